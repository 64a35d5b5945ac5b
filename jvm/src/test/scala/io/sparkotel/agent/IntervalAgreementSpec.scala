package io.sparkotel.agent

import java.io.File

import scala.collection.JavaConverters._
import scala.io.Source

import org.scalatest.funsuite.AnyFunSuite

/**
 * The JVM and the Go core agree on the sampling interval: Go parses the keys (and
 * OTEL_METRIC_EXPORT_INTERVAL) and the sampler runs at what Go returned. Each case is a fresh
 * JVM on the built jar with the real library (IntervalProbe), since the core is process-wide and
 * reads its environment once.
 */
class IntervalAgreementSpec extends AnyFunSuite {
  private val jar = new File(sys.props("sparkotel.test.jar"))

  /** This JVM's class path with the built jar in place of the main classes. */
  private val classPath = (jar.getPath +: sys.props("java.class.path").split(File.pathSeparator).toSeq
    .filterNot(p => p.matches(""".*/target/scala-[^/]+/classes/?"""))).mkString(File.pathSeparator)

  private case class Run(go: Long, jvmStartLine: Long, jvmPeriod: Long, output: Seq[String])

  private def probe(env: Map[String, String], keys: String*): Run = {
    val pb = new ProcessBuilder((Seq(new File(sys.props("java.home"), "bin/java").getPath, "-cp", classPath,
      IntervalProbe.getClass.getName.stripSuffix("$")) ++ keys).asJava).redirectErrorStream(true)
    pb.environment().remove("OTEL_METRIC_EXPORT_INTERVAL")
    pb.environment().putAll(env.asJava)
    val p = pb.start()
    val out = { val s = Source.fromInputStream(p.getInputStream, "UTF-8"); try s.getLines().toList finally s.close() }
    assert(p.waitFor() == 0, out.mkString("\n"))
    def number(pattern: String) =
      out.flatMap(l => pattern.r.findFirstMatchIn(l).map(_.group(1).toLong)).headOption.getOrElse(fail(s"no $pattern in:\n${out.mkString("\n")}"))
    Run(number("""GO attached=true interval.ms=(\d+)"""), number("""sampling every (\d+) ms"""), number("""JVM period.ms=(\d+)"""), out)
  }

  private def agree(run: Run, expected: Long): Unit = {
    assert(run.go == expected, run.output.mkString("\n"))
    assert(run.jvmStartLine == run.go, run.output.mkString("\n"))
    // A fixed-delay schedule: each gap is the interval plus the sample's own time.
    assert(run.jvmPeriod >= run.go - 20 && run.jvmPeriod <= run.go + 200, s"sampled every ${run.jvmPeriod} ms: ${run.output.mkString("\n")}")
    assert(!run.output.exists(_.contains("Exception")), run.output.mkString("\n"))
    assert(run.output.contains(s"AGENT FROM ${jar.getAbsolutePath}"), run.output.mkString("\n"))
  }

  test("interval=250ms: Go's interval and the JVM's sampling are 250 ms") {
    val run = probe(Map.empty, "interval=250ms")
    agree(run, 250)
    assert(!run.output.exists(_.contains(" WARN ")), run.output.mkString("\n"))
  }

  test("OTEL_METRIC_EXPORT_INTERVAL=3000 and no interval key: both 3000 ms") {
    agree(probe(Map("OTEL_METRIC_EXPORT_INTERVAL" -> "3000")), 3000)
  }

  test("interval=2h is out of range (100ms..1h): both fall back to 1000 ms, and a WARN names the key") {
    val run = probe(Map.empty, "interval=2h")
    agree(run, 1000)
    val warns = run.output.filter(_.contains(" WARN "))
    assert(warns.exists(_.contains("spark.metrics.conf.*.sink.otel.interval=\"2h\"")), run.output.mkString("\n"))
  }
}
