package io.sparkotel

import java.io.File

import scala.io.Source

import org.scalatest.funsuite.AnyFunSuite

/**
 * The packages' dependencies point one way, so each can be read knowing only those below it:
 * plugin -> agent -> readings -> wire -> bridge, the sink's logic beside the readings, and the
 * diagnosis (evidence and verdicts) above the readings, beside the agent.
 */
class PackagesSpec extends AnyFunSuite {
  private val root = new File("jvm/src/main")

  private def sources(dir: File): Seq[File] =
    Option(dir.listFiles).toSeq.flatten.flatMap(f => if (f.isDirectory) sources(f) else Seq(f))
      .filter(f => f.getName.endsWith(".scala") || f.getName.endsWith(".java"))

  private val Package = """(?m)^package ([\w.]+)""".r
  private val Ours = """io\.sparkotel\.(\w+)""".r

  /** Package -> the io.sparkotel packages its files name (imports and qualified names). */
  private lazy val uses: Map[String, Set[String]] = sources(root).map { f =>
    val text = { val s = Source.fromFile(f, "UTF-8"); try s.mkString finally s.close() }
    val pkg = Package.findFirstMatchIn(text).map(_.group(1)).getOrElse(fail(s"$f has no package"))
    // Code only: not comments, nor strings such as logger names.
    val code = text.linesIterator.filterNot(l => l.trim.startsWith("*") || l.trim.startsWith("//"))
      .map(_.replaceAll("\"[^\"]*\"", "\"\"")).mkString("\n")
    pkg -> Ours.findAllMatchIn(code).map(m => "io.sparkotel." + m.group(1)).toSet
  }.groupBy(_._1).map { case (p, fs) => p -> (fs.flatMap(_._2).toSet - p) }

  test("the sources were found") {
    assert(Set("io.sparkotel.agent", "io.sparkotel.wire", "io.sparkotel.readings", "io.sparkotel.sink").subsetOf(uses.keySet),
      uses.keySet)
  }

  test("no package cycle") {
    def reaches(from: String, seen: Set[String]): Set[String] =
      uses.getOrElse(from, Set.empty).filterNot(seen).foldLeft(seen)((s, p) => reaches(p, s + p))
    uses.keys.foreach { p =>
      assert(!reaches(p, Set.empty).contains(p), s"$p reaches itself: ${uses.filter(_._2.nonEmpty).mkString("\n")}")
    }
  }

  test("each layer uses only those below it") {
    val below = Map(
      "io.sparkotel.wire" -> Set("io.sparkotel.bridge"),
      "io.sparkotel.readings" -> Set("io.sparkotel.wire"),
      "io.sparkotel.sink" -> Set("io.sparkotel.wire"),
      "io.sparkotel.config" -> Set.empty[String],
      "io.sparkotel.diagnosis" -> Set("io.sparkotel.readings", "io.sparkotel.wire", "io.sparkotel.bridge"),
      "io.sparkotel.agent" -> Set("io.sparkotel.config", "io.sparkotel.readings", "io.sparkotel.wire"))
    below.foreach { case (p, allowed) =>
      val extra = uses.getOrElse(p, Set.empty) -- allowed
      assert(extra.isEmpty, s"$p uses $extra")
    }
  }

  test("no source file over 250 lines") {
    val long = sources(root).map(f => f -> { val s = Source.fromFile(f, "UTF-8"); try s.getLines().size finally s.close() })
      .filter(_._2 > 250)
    assert(long.isEmpty, long.mkString(", "))
  }
}
