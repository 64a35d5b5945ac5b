package io.sparkotel.bench

import java.lang.management.ManagementFactory

import org.apache.spark.{SparkConf, SparkContext}

import io.sparkotel.core.Agent

/**
 * What a whole cycle costs a live JVM: the process CPU sparkotel adds (the JVM sample, the
 * Go probes, collection and the OTLP export, and the wake-ups of both runtimes between
 * cycles, with caches gone cold), against the same JVM idle. A local SparkContext gives the
 * real SparkEnv; SPARKOTEL_BENCH_ENDPOINT (set by `make bench`) names a real collector,
 * else nothing is exported. Prints "BENCH cycle.<interval> <ns per cycle> <cycles>".
 */
object CycleBench {
  private val os = ManagementFactory.getOperatingSystemMXBean.asInstanceOf[com.sun.management.OperatingSystemMXBean]

  /** Process CPU nanoseconds used while sleeping for millis. */
  private def cpuOver(millis: Long): Long = {
    val c0 = os.getProcessCpuTime
    Thread.sleep(millis)
    os.getProcessCpuTime - c0
  }

  def main(args: Array[String]): Unit = {
    val endpoint = sys.env.get("SPARKOTEL_BENCH_ENDPOINT")
    val sc = new SparkContext(new SparkConf().setMaster("local[2]").setAppName("sparkotel-cycle-bench")
      .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))
    try {
      Thread.sleep(5000) // Spark's own start-up settles
      val idlePerMs = cpuOver(20000).toDouble / 20000
      for ((interval, millis, seconds) <- Seq(("100ms", 100L, 20L), ("1s", 1000L, 40L))) {
        val exporting = endpoint.map(e => Seq("endpoint" -> e)).getOrElse(Seq("exporter" -> "none"))
        val conf = (Seq("interval" -> interval) ++ exporting).map { case (k, v) => s"spark.metrics.conf.*.sink.otel.$k" -> v }
        val lease = Agent.start(conf, "driver", Seq("spark.app.id" -> sc.applicationId), "bench")
        Thread.sleep(3000) // loaded, started, first exports done
        val used = cpuOver(seconds * 1000)
        lease.release()
        val cycles = seconds * 1000 / millis
        println(f"BENCH cycle.$interval ${(used - idlePerMs * seconds * 1000) / cycles}%.0f $cycles")
      }
      println(s"BENCH-NOTE cycle export: ${endpoint.getOrElse("none")}")
    } finally sc.stop()
  }
}
