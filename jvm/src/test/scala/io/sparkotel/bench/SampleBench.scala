package io.sparkotel.bench

import java.lang.management.ManagementFactory
import java.util.Properties

import com.codahale.metrics.{Gauge, MetricRegistry}
import org.apache.spark.{SparkConf, SparkContext}
import org.slf4j.LoggerFactory

import io.sparkotel.agent.Sampler
import io.sparkotel.readings.{JvmReading, Reading, SparkMemoryReading, TaskActivity, TaskReading}
import io.sparkotel.wire.{BatchWriter, CoreBridge, SeriesIds}
import io.sparkotel.sink.SinkCore

/**
 * JVM-side cost of one sample, split into its parts, with the real library and a real
 * SparkEnv (local SparkContext). CPU time of the measuring thread (ThreadMXBean) per
 * operation, after a warm-up, median of 5 runs. `make bench` runs it; prints
 * "BENCH <name> <ns/op> <entries>" lines that tools/bench-report turns into a table.
 */
object SampleBench {
  private val threads = ManagementFactory.getThreadMXBean

  def cpuNanosPerOp(iterations: Int)(op: => Unit): Double = {
    (1 to iterations / 4).foreach(_ => op) // warm-up: JIT
    val runs = (1 to 5).map { _ =>
      val t0 = threads.getCurrentThreadCpuTime
      var i = 0
      while (i < iterations) { op; i += 1 }
      (threads.getCurrentThreadCpuTime - t0).toDouble / iterations
    }.sorted
    runs(2)
  }

  /**
   * One sample a second, as in a live JVM. Run first, before the hot loops below compile the
   * code ("cold"): each part runs interpreted (too rarely for the JIT) on caches the rest of
   * the JVM has used since; the first samples (class loading, first calls) are left out. Run
   * again at the end ("compiled"): the same pauses and caches, compiled code, which tells the
   * interpreter's share from the caches'. Prints "BENCH <label>.<part> <ns per sample> <samples>".
   */
  private def oneASecond(ids: SeriesIds, out: BatchWriter, label: String): Unit = {
    val parts = Array[(String, () => Unit)](
      "mxbeans" -> { val r = new JvmReading; () => r.read(ids, out) },
      "spark_memory" -> { val r = new SparkMemoryReading; () => r.read(ids, out) },
      "stages" -> { val r = new TaskReading; () => r.read(ids, out) },
      "push_jni_and_malloc" -> (() => out.push())) // at one a second every push also reads glibc's malloc state
    val (skip, samples) = (3, 25)
    val spent = new Array[Long](parts.length)
    for (k <- 0 until skip + samples) {
      Thread.sleep(1000)
      out.begin(0)
      for (i <- parts.indices) {
        val t0 = threads.getCurrentThreadCpuTime
        parts(i)._2()
        if (k >= skip) spent(i) += threads.getCurrentThreadCpuTime - t0
      }
    }
    for (i <- parts.indices) println(f"BENCH $label.${parts(i)._1} ${spent(i).toDouble / samples}%.0f $samples")
    println(f"BENCH $label.sample ${spent.sum.toDouble / samples}%.0f $samples")
  }

  def main(args: Array[String]): Unit = {
    val sc = new SparkContext(new SparkConf().setMaster("local[2]").setAppName("sparkotel-bench")
      .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
      .set("spark.metrics.conf.*.sink.otel.exporter", "none"))
    try run(sc) finally sc.stop()
  }

  private def run(sc: SparkContext): Unit = {
    val bridge: CoreBridge = CoreBridge.load(println).getOrElse(sys.error("library did not load"))
    bridge.start(Seq("exporter" -> "none", "interval" -> "1h"))
    val ids = new SeriesIds(bridge)
    val out = new BatchWriter(bridge, 1024)
    TaskActivity.started(TaskActivity.Stage(1, 0))
    TaskActivity.started(TaskActivity.Stage(2, 0))
    oneASecond(ids, new BatchWriter(bridge, 1024), "cold")
    def part(name: String, r: Reading): Unit = {
      var n = 0
      val ns = cpuNanosPerOp(20000) { out.begin(0); r.read(ids, out); n = out.size }
      println(f"BENCH jvm.$name $ns%.0f $n")
    }
    part("mxbeans", new JvmReading)
    part("spark_memory", new SparkMemoryReading)
    part("stages", new TaskReading)
    out.begin(0); new JvmReading().read(ids, out); new SparkMemoryReading().read(ids, out); new TaskReading().read(ids, out)
    val entries = out.size
    println(f"BENCH jvm.push_jni ${cpuNanosPerOp(200000)(out.push())}%.0f $entries")
    val sampler = new Sampler(bridge, 1000, Seq(new JvmReading, new SparkMemoryReading, new TaskReading), LoggerFactory.getLogger("bench"))
    val f = classOf[Sampler].getDeclaredFields.find(_.getType == classOf[BatchWriter]).get
    f.setAccessible(true)
    f.set(sampler, new BatchWriter(bridge, 1024))
    println(f"BENCH jvm.full_sample ${cpuNanosPerOp(20000)(sampler.sampleOnce())}%.0f $entries")

    for (n <- Seq(100, 1000, 10000)) {
      val reg = new MetricRegistry
      (0 until n).foreach(i => reg.register(s"app.driver.Source${i % 50}.metric$i", new Gauge[Long] { def getValue = i.toLong }))
      val sink = new SinkCore(new Properties, reg, () => Some(SinkCore.Context(bridge, Some("app"), Some("driver"))))
      sink.report()
      println(f"BENCH sink.report_$n ${cpuNanosPerOp(if (n > 1000) 200 else 2000)(sink.report())}%.0f $n")
      sink.finish().foreach(_.close())
    }
    oneASecond(ids, new BatchWriter(bridge, 1024), "compiled")
    bridge.stop(1000)
  }
}
