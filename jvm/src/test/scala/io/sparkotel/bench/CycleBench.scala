package io.sparkotel.bench

import java.io.File
import java.lang.management.ManagementFactory
import java.nio.file.{Files, Paths}

import scala.collection.JavaConverters._
import scala.util.Try

import org.apache.spark.{SparkConf, SparkContext}
import org.apache.spark.serializer.JavaSerializer

import io.sparkotel.agent.{Agent, Extensions}
import io.sparkotel.diagnosis.{DiagnosisReading, EvidenceSender}

/**
 * What a whole cycle costs a live JVM: the CPU of sparkotel's own threads (the JVM sample,
 * the Go probes, collection and the OTLP export, and both runtimes' wake-ups between cycles,
 * with caches gone cold). They are told apart by name in /proc/self/task: the "sparkotel"
 * Java thread loads the library, so the Go runtime's threads inherit its name. A local
 * SparkContext gives the real SparkEnv; SPARKOTEL_BENCH_ENDPOINT (set by `make bench`)
 * names a real collector, else nothing is exported. Prints "BENCH cycle.<label> <ns per
 * cycle> <cycles>" (the label is the interval, "_sent_each" when every sample is sent at
 * once, "near_limit" for an executor's near-limit mode), the Java thread's share as
 * cycle_jvm.<label>, and "BENCH threads.sparkotel <threads> 0".
 *
 * near_limit is an executor's evidence path as the plugin wires it: an [[EvidenceSender]]
 * after every sample, its message serialized as Spark's RPC does, and a threshold no
 * headroom is under, so the agent stays in near-limit mode (every 100 ms, each sample
 * flushed to OTLP and sent to the driver).
 */
object CycleBench {
  private val ticksToNanos = 1e9 / 100 // USER_HZ

  private val named = scala.collection.mutable.Map[String, Boolean]() // tid -> named "sparkotel"

  /**
   * CPU nanoseconds so far of each thread named "sparkotel", by tid. From schedstat's run
   * time, in ns, where the kernel keeps it: stat's utime and stime count 10 ms ticks, which
   * over a 20 s run of 100 ms cycles is ±50 µs a cycle.
   */
  private def ours(): Map[String, Double] = {
    val tasks = Option(new File("/proc/self/task").listFiles).getOrElse(Array.empty[File])
    def read(t: File, name: String) = new String(Files.readAllBytes(Paths.get(t.getPath, name)))
    tasks.toSeq.filter(t => named.getOrElseUpdate(t.getName, Try(read(t, "comm").trim == "sparkotel").getOrElse(false))).flatMap { t =>
      Try(read(t, "schedstat").split(" ")(0).toDouble)
        .orElse(Try { val f = read(t, "stat").split("\\) ")(1).split(" "); (f(11).toLong + f(12).toLong) * ticksToNanos })
        .toOption.map(t.getName -> _)
    }.toMap
  }

  /**
   * The CPU nanoseconds our threads spend over the next millis, and how many are live at the
   * end. Polled every 250 ms because the core ends spare Go threads, and a thread's CPU leaves
   * /proc with it: an ended thread counts up to its last poll.
   */
  private def spentOver(millis: Long): (Double, Int) = {
    val base = ours()
    var seen, last = base
    val end = System.nanoTime + millis * 1000000L
    while (System.nanoTime < end) {
      Thread.sleep(math.max(1L, math.min(250L, (end - System.nanoTime) / 1000000L)))
      last = ours()
      seen = seen ++ last
    }
    (seen.map { case (tid, ns) => ns - base.getOrElse(tid, 0.0) }.sum, last.size)
  }

  /** CPU nanoseconds of the one Java thread among them (the sampler's part, JNI push included). */
  private def javaThreadCpu(): Long = {
    val mx = ManagementFactory.getThreadMXBean
    Thread.getAllStackTraces.keySet.asScala.find(_.getName == "sparkotel").map(t => mx.getThreadCpuTime(t.getId)).getOrElse(0L)
  }

  /** The executor's evidence extension, its messages serialized and dropped, always near its limit. */
  private def nearLimitSender(): Extensions.Extension = {
    val ser = new JavaSerializer(new SparkConf()).newInstance()
    val budget = 8L << 30
    val sender = new EvidenceSender("1", m => ser.serialize(m), budget, (on, why) => Agent.setNearLimit(on, why), () => 2.0)
    new Extensions.Extension(new DiagnosisReading(Some(budget), None, Some(sender)), () => sender.sendNow())
  }

  def main(args: Array[String]): Unit = {
    val endpoint = sys.env.get("SPARKOTEL_BENCH_ENDPOINT")
    val sc = new SparkContext(new SparkConf().setMaster("local[2]").setAppName("sparkotel-cycle-bench")
      .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))
    try {
      // 100 ms twice: sent a second at a time (the default) and sent at every sample, to show
      // what batching the sends saves.
      for ((label, interval, sendEvery, millis, seconds) <- Seq(("1s", "1s", "1s", 1000L, 60L),
          ("100ms", "100ms", "1s", 100L, 20L), ("100ms_sent_each", "100ms", "100ms", 100L, 20L),
          ("near_limit", "1s", "1s", 100L, 20L))) {
        val exporting = endpoint.map(e => Seq("endpoint" -> e)).getOrElse(Seq("exporter" -> "none"))
        val conf = (Seq("interval" -> interval, "export.interval" -> sendEvery) ++ exporting)
          .map { case (k, v) => s"spark.metrics.conf.*.sink.otel.$k" -> v }
        val evidence = if (label != "near_limit") None else Some(nearLimitSender())
        evidence.foreach(Extensions.add)
        val lease = Agent.start(conf, "driver", Seq("spark.app.id" -> sc.applicationId), "bench")
        Thread.sleep(3000) // loaded, started, first exports done
        val j0 = javaThreadCpu()
        val (spent, threads) = spentOver(seconds * 1000)
        val j1 = javaThreadCpu()
        lease.release()
        evidence.foreach(Extensions.remove)
        Agent.setNearLimit(false, "")
        val cycles = seconds * 1000 / millis
        println(f"BENCH cycle.$label ${spent / cycles}%.0f $cycles")
        println(f"BENCH cycle_jvm.$label ${(j1 - j0).toDouble / cycles}%.0f $cycles")
        println(s"BENCH threads.sparkotel $threads 0")
      }
      println(s"BENCH-NOTE cycle export: ${endpoint.getOrElse("none")}")
    } finally sc.stop()
  }
}
