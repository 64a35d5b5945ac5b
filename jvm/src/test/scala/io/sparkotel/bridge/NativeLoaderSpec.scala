package io.sparkotel.bridge

import java.io.File
import java.net.{URL, URLClassLoader}
import java.nio.file.Files

import scala.collection.mutable.ArrayBuffer
import scala.sys.process._

import org.scalatest.funsuite.AnyFunSuite

class NativeLoaderSpec extends AnyFunSuite {
  private val jar = new File(sys.props("sparkotel.test.jar"))
  private val testClasses = new File(classOf[JarRoundTrip].getProtectionDomain.getCodeSource.getLocation.toURI)

  /** Runs JarRoundTrip in a fresh JVM with only the built jar and the test class on the class path. */
  private def roundTrip(jvmArgs: String*): (Int, Seq[String]) =
    roundTripWith(new File(sys.props("java.home"), "bin/java").getPath, jvmArgs: _*)

  private def roundTripWith(java: String, jvmArgs: String*): (Int, Seq[String]) = {
    val out = ArrayBuffer[String]()
    val cmd = Seq(java) ++ jvmArgs ++ Seq("-cp", s"${jar.getPath}:${testClasses.getPath}", classOf[JarRoundTrip].getName)
    val rc = cmd ! ProcessLogger(out += _, out += _)
    (rc, out.toSeq)
  }

  test("the built jar carries the library; it loads once and round-trips every call") {
    assert(jar.isFile, s"built jar missing: $jar")
    val (rc, out) = roundTrip()
    assert(rc == 0, out.mkString("\n"))
    assert(out.contains("loaded=true again=true"), out.mkString("\n"))
    assert(!out.exists(_.startsWith("WARN")), out.mkString("\n"))
    val summary = out.find(_.startsWith("version=")).getOrElse(fail(out.mkString("\n")))
    assert(summary.contains("start=attached=false interval.ms=1000"), summary)
    assert(summary.contains(",attached=true interval.ms=1000"), summary) // the second start joins the first
    assert(summary.contains("malformed=rejected: sparkotel push failed"), summary)
    assert(summary.contains("afterStop=stopped"), summary)
  }

  test("the Go runtime's threads get 1 ms of timer slack; the loading thread keeps its own") {
    val (rc, out) = roundTrip()
    assert(rc == 0, out.mkString("\n"))
    val line = out.find(_.startsWith("slack ")).getOrElse(fail(out.mkString("\n")))
    val Slack = """slack loader=(\d+)->(\d+) go=(.*)""".r
    val (before, after, go) = line match {
      case Slack(b, a, g) => (b.toLong, a.toLong, g.split(",").toSeq.filter(_.nonEmpty))
      case _ => fail(line)
    }
    assert(before < 1000000L && after == before, s"the loading thread's slack must be put back: $line")
    assert(go.size >= 3, s"the runtime's first thread, sysmon and the template thread at least: $line")
    assume(!go.contains("unreadable"), s"reading another thread's timer slack needs CAP_SYS_NICE here: $line")
    assert(go.forall(_ == "1000000"), line)
  }

  test("the jar (Java 8 bytecode) loads and round-trips on every JDK installed here") {
    val jdks = Option(new File("/usr/lib/jvm").listFiles).getOrElse(Array.empty[File])
      .map(d => new File(d, "bin/java")).filter(_.canExecute).map(_.getCanonicalFile).distinct
    assert(jdks.nonEmpty)
    jdks.foreach { java =>
      val out = ArrayBuffer[String]()
      Seq(java.getPath, "-version") ! ProcessLogger(out += _, out += _)
      val major = """version "(\d+)""".r.findFirstMatchIn(out.mkString(" ")).map(_.group(1).toInt).getOrElse(0)
      val flags = if (major >= 24) Seq("--enable-native-access=ALL-UNNAMED") else Nil
      val (rc, lines) = roundTripWith(java.getPath, flags: _*)
      assert(rc == 0 && lines.contains("loaded=true again=true"), s"$java (Java $major): ${lines.mkString("\n")}")
      assert(!lines.exists(_.contains("WARNING")), s"$java (Java $major) printed warnings: ${lines.mkString("\n")}")
    }
  }

  test("an unloadable library gives exactly one WARN naming the cause, and no exception") {
    val junk = Files.createTempFile("not-a-library", ".so")
    Files.write(junk, "junk".getBytes("UTF-8"))
    val (rc, out) = roundTrip(s"-D${NativeLoader.PATH_PROPERTY}=$junk")
    Files.delete(junk)
    assert(rc == 0, out.mkString("\n"))
    assert(out.contains("loaded=false again=false"), out.mkString("\n"))
    val warns = out.filter(_.startsWith("WARN"))
    assert(warns.size == 1, out.mkString("\n"))
    assert(warns.head.contains("native core not loaded") && warns.head.contains("damaged or not a library"), warns.head)
  }

  test("a second class loader in the same JVM is refused with one WARN, not a crash") {
    val warns = ArrayBuffer[String]()
    assert(NativeLoader.load(w => warns += w), s"this loader should load: $warns")
    // A loader that does not delegate to ours, like a child-first or session loader would.
    val isolated = new URLClassLoader(Array[URL](jar.toURI.toURL), ClassLoader.getSystemClassLoader.getParent)
    val other = isolated.loadClass(classOf[NativeLoader].getName)
    assert(other ne classOf[NativeLoader])
    val otherWarns = new java.util.ArrayList[String]()
    val consumer = new java.util.function.Consumer[String] { def accept(s: String): Unit = otherWarns.add(s) }
    val ok = other.getMethod("load", classOf[java.util.function.Consumer[_]]).invoke(null, consumer)
    assert(ok == java.lang.Boolean.FALSE)
    assert(otherWarns.size == 1 && otherWarns.get(0).contains("another class loader"), otherWarns)
    isolated.close()
  }

  test("load failures map to actionable causes") {
    val cases = Map(
      "libx.so: failed to map segment from shared object" -> "noexec",
      "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found" -> "C library is older",
      "libx.so: wrong ELF class: ELFCLASS32" -> "does not match this CPU",
      "libx.so: file too short" -> "damaged",
      "libx.so: undefined symbol: foo" -> "incomplete"
    )
    cases.foreach { case (msg, expected) => assert(NativeLoader.explain(msg).contains(expected), msg) }
    assert(NativeLoader.archName("amd64") == "amd64" && NativeLoader.archName("aarch64") == "arm64")
    assert(NativeLoader.archName("ppc64le") == null)
  }
}
