package io.sparkotel.diagnosis

import java.io.{DataInputStream, File, FileInputStream}
import java.lang.management.ManagementFactory
import java.nio.file.Files

import scala.concurrent.duration._

import org.apache.spark.{SparkConf, SparkContext}
import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.config.SinkConfig
import io.sparkotel.it.ConsoleMetrics
import io.sparkotel.wire.Effective

/** What fills the heap in these tests: the histogram must name it. 16 B header + 24 B of fields. */
final class ForensicsFiller(val a: Long, val b: Long, val c: Long)

object ForensicsSpec {
  @volatile var held: Array[ForensicsFiller] = _
}

class ForensicsSpec extends AnyFunSuite {
  private val Filler = classOf[ForensicsFiller].getName

  test("the histogram's text is parsed into the top classes by bytes") {
    val text =
      """ num     #instances         #bytes  class name (module)
        |-------------------------------------------------------
        |   1:          5000        8000000  [B (java.base@17.0.9)
        |   2:        200000        4800000  io.sparkotel.diagnosis.ForensicsFiller
        |   3:            10            480  java.lang.String (java.base@17.0.9)
        |Total        205010       12800480
        |""".stripMargin
    assert(ClassHistogram.parse(text, 2) == Vector(ClassHistogram.Entry("[B", 5000, 8000000),
      ClassHistogram.Entry(Filler, 200000, 4800000)))
    assert(ClassHistogram.render(ClassHistogram.parse(text, 20)).split('\n').length == 4)
  }

  test("the settings come from the core's effective values, off by default") {
    val off = ForensicsSettings.from(Effective.parse("interval.ms=1000\nexport.interval.ms=1000\nexporter=none\n"))
    assert(!off.on)
    val on = ForensicsSettings.from(Effective.parse("interval.ms=1000\nforensics.histogram=true\nforensics.heap.threshold=0.5\n" +
      "forensics.histogram.interval.ms=10000\nforensics.heapdump.uri=\n"))
    assert(on == ForensicsSettings(histogram = true, 0.5, 10000L, None))
  }

  test("in-process histogram of this JVM names the class that fills the heap") {
    val held = Array.tabulate(500000)(i => new ForensicsFiller(i, i, i))
    ClassHistogram.take() // the first call also loads the MBean's classes: time the second
    val t0 = System.nanoTime()
    val top = ClassHistogram.parse(ClassHistogram.take(), Forensics.Top)
    val ms = (System.nanoTime() - t0) / 1e6
    val mine = top.find(_.className == Filler).getOrElse(fail(s"$Filler not in ${top.map(_.className)}"))
    assert(mine.instances >= held.length && mine.bytes >= 24L * held.length)
    val used = ManagementFactory.getMemoryMXBean.getHeapMemoryUsage.getUsed
    info(f"gcClassHistogram paused this JVM $ms%.0f ms with ${used >> 20} MiB in use")
  }

  test("NMT's summary is parsed by category (JDK 17 and 25 formats); a JVM without NMT says so") {
    val text =
      """Native Memory Tracking:
        |
        |Total: reserved=7846004KB, committed=490692KB
        |       malloc: 13612KB #72279
        |-                 Java Heap (reserved=6172672KB, committed=397312KB)
        |                            (mmap: reserved=6172672KB, committed=397312KB)
        |-                    Thread (reserved=19506KB, committed=786KB)
        |                            (thread #19)
        |-        Shared class space (reserved=16384KB, committed=13908KB, readonly=0KB)
        |""".stripMargin
    assert(NativeMemory.parse(text).contains(Vector(NativeMemory.Category("Java Heap", 6172672L << 10, 397312L << 10),
      NativeMemory.Category("Thread", 19506L << 10, 786L << 10), NativeMemory.Category("Shared class space", 16384L << 10, 13908L << 10))))
    assert(NativeMemory.parse(NativeMemory.take()).isEmpty, "the test JVM runs without -XX:NativeMemoryTracking")
    var failures = List.empty[String]
    NativeMemory.check(1000L, (what, e) => failures ::= s"$what: ${e.getMessage}")
    NativeMemory.check(1000L, (what, e) => failures ::= s"$what: ${e.getMessage}")
    assert(failures.size == 1 && failures.head.contains("-XX:NativeMemoryTracking=summary"), failures)
  }

  test("a forked JVM with -XX:NativeMemoryTracking=summary reads its categories") {
    val java = new File(System.getProperty("java.home"), "bin/java").getPath
    val p = new ProcessBuilder(java, "-XX:NativeMemoryTracking=summary", "-cp", System.getProperty("java.class.path"),
      "io.sparkotel.diagnosis.NmtMain").redirectErrorStream(true).start()
    val out = scala.io.Source.fromInputStream(p.getInputStream, "UTF-8").mkString
    assert(p.waitFor() == 0, out)
    val cats = out.linesIterator.filter(_.startsWith("category ")).map(_.stripPrefix("category ")).toSet
    assert(Set("Java Heap", "Thread", "Code", "GC", "Class").subsetOf(cats), out)
  }

  test("local SparkContext: at the threshold, a histogram naming the filler (logged and exported) and a heap dump at a file: URI; the job succeeds") {
    val out = Files.createTempFile("sparkotel-forensics", ".jsonl")
    Files.delete(out)
    val target = Files.createTempDirectory("sparkotel-dumps")
    val local = Files.createTempDirectory("sparkotel-local")
    System.gc()
    val heap = ManagementFactory.getMemoryMXBean.getHeapMemoryUsage
    // The filler holds ~280 MiB: the threshold sits 150 MiB above what this JVM holds now, so
    // Spark's own start stays below it and the filler goes above.
    val threshold = math.min(0.99, (heap.getUsed + (150L << 20)).toDouble / heap.getMax)
    val conf = new SparkConf().setMaster("local[2]").setAppName("sparkotel-forensics")
      .set("spark.plugins", "io.sparkotel.plugin.SparkotelPlugin")
      .set("spark.ui.enabled", "false")
      .set("spark.driver.host", "127.0.0.1")
      .set("spark.local.dir", local.toString)
      .set("spark.metrics.conf.*.sink.otel.exporter", "console")
      .set("spark.metrics.conf.*.sink.otel.console.path", out.toString)
      .set("spark.metrics.conf.*.sink.otel.interval", "200ms")
      .set("spark.metrics.conf.*.sink.otel.forensics.histogram", "true")
      .set("spark.metrics.conf.*.sink.otel.forensics.heap.threshold", f"$threshold%.3f")
      .set("spark.metrics.conf.*.sink.otel.forensics.heapdump.uri", target.toUri.toString)
    val sc = new SparkContext(conf)
    try {
      Forensics.lastHistogram = Vector.empty
      val n = sc.parallelize(Seq(1), 1).map { _ =>
        ForensicsSpec.held = Array.tabulate(7000000)(i => new ForensicsFiller(i, i, i))
        System.gc() // so the heap used after GC counts the filler at once
        val deadline = 60.seconds.fromNow
        while (Forensics.lastDump.isEmpty && deadline.hasTimeLeft()) Thread.sleep(100)
        val n = ForensicsSpec.held.length
        ForensicsSpec.held = null
        n
      }.sum()
      assert(n == 7000000.0, "the job succeeds")
      val top = Forensics.lastHistogram
      assert(top.headOption.exists(_.className == Filler) || top.exists(_.className == Filler), top.map(_.className))
      assert(top.size <= Forensics.Top)
      // The threshold may be crossed while the task still allocates: the histogram counts what was there.
      val bytes = top.find(_.className == Filler).get.bytes.toDouble
      eventually(10.seconds)(ConsoleMetrics.read(out).exists(_.value("sparkotel.jvm.histogram.bytes",
        "sparkotel.jvm.class.name" -> Filler).contains(bytes)))
      // An export carries several samples' points per series: count the classes, not the points.
      val exported = ConsoleMetrics.read(out).last.values("sparkotel.jvm.histogram.bytes").map(_.attrs("sparkotel.jvm.class.name")).toSet
      assert(exported.nonEmpty && exported.size <= Forensics.Top, exported)

      val dumps = target.toFile.listFiles().filter(_.getName.endsWith(".hprof"))
      assert(dumps.length == 1, target.toFile.listFiles().map(_.getName).toSeq)
      assert(Forensics.lastDump.exists(_.endsWith(dumps.head.getName)))
      assert(dumps.head.getName == s"sparkotel-${sc.applicationId}-driver-${ManagementFactory.getRuntimeMXBean.getName.takeWhile(_ != '@')}.hprof")
      assert(header(dumps.head).startsWith("JAVA PROFILE 1.0."))
      assert(dumps.head.length() > (200L << 20), "the dump holds the filler")
      assert(!local.toFile.listFiles().exists(_.getName.startsWith("sparkotel-heapdump-")), "the local dump is removed")
    } finally {
      sc.stop()
      target.toFile.listFiles().foreach(_.delete())
    }
  }

  private def header(f: File): String = {
    val in = new DataInputStream(new FileInputStream(f))
    try { val b = new Array[Byte](18); in.readFully(b); new String(b, "US-ASCII") } finally in.close()
  }

  private def eventually(limit: FiniteDuration)(cond: => Boolean): Unit = {
    val deadline = limit.fromNow
    while (!cond) {
      if (deadline.isOverdue()) fail(s"not true within $limit")
      Thread.sleep(100)
    }
  }
}

/** Run in a JVM with NMT on by the test above: prints each category and how long a read took. */
object NmtMain {
  def main(args: Array[String]): Unit = {
    NativeMemory.take()
    val t0 = System.nanoTime()
    NativeMemory.check(1000L, (what, e) => sys.error(s"$what: $e"))
    println(f"read in ${(System.nanoTime() - t0) / 1e6}%.2f ms")
    NativeMemory.last.foreach(c => println(s"category ${c.name}"))
  }
}
