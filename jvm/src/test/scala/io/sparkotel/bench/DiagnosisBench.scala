package io.sparkotel.bench

import java.lang.management.ManagementFactory
import java.nio.ByteBuffer

import scala.util.Random

import org.apache.spark.SparkConf
import org.apache.spark.serializer.JavaSerializer
import org.slf4j.LoggerFactory

import io.sparkotel.bridge.NativeCore
import io.sparkotel.diagnosis.{EvidenceSender, LossWatcher, Sample}
import io.sparkotel.readings.{Headline, TaskActivity}
import io.sparkotel.wire.CoreBridge

/**
 * What the diagnosis's evidence costs: the driver receiving the samples of 1,000 executors at
 * one a second, and an executor taking and serializing its sample.
 *
 * Driver: each message is serialized and deserialized with Spark's JavaSerializer, as the RPC
 * env does (wrapped, like Spark's PluginMessage, in a case class naming the plugin), and
 * LossWatcher.receive gets the deserialized message. Samples carry simulated time (one second
 * apart per executor) and the store ages them out by that time, so a minute is fed in seconds.
 * CPU of this thread (ThreadMXBean) per message, the executors' 60 s windows already full,
 * after a warm-up, median of 5 runs; deserializing and receiving are timed apart, in batches of
 * one simulated second (1,000 messages). Netty, RequestMessage framing and Spark's dispatcher
 * are not included. Retained heap: heap used after System.gc() (three, 200 ms apart) with a
 * store filled to every executor's full window (61 s of samples) minus the same before it was
 * created, median of 3 rounds; at 1 s and at 100 ms sampling (600 samples an executor).
 *
 * Executor: EvidenceSender.sample() with the library loaded and the core collecting every second
 * (the native readings are real: the newest collection's values), then the message's Java
 * serialization; at one a second before the code is compiled ("cold", like SampleBench), and hot
 * (back to back after a warm-up, median of 5 runs).
 * Also sample() before the library is loaded: NativeCore throws and the sender skips the
 * native readings.
 *
 * Prints "BENCH diagnosis.<name> <value> <count>": ns CPU per message or sample, bytes for
 * retained_* and message_bytes.
 */
object DiagnosisBench {
  /** Stands for Spark's PluginMessage(pluginName, message), which is private[spark]. */
  final case class Envelope(pluginName: String, message: AnyRef)

  private val threads = ManagementFactory.getThreadMXBean
  private val memory = ManagementFactory.getMemoryMXBean
  private val ser = new JavaSerializer(new SparkConf()).newInstance()
  private val Executors = 1000
  private val GiB = 1L << 30
  private val MiB = 1L << 20

  private def serialize(m: AnyRef): ByteBuffer = ser.serialize(Envelope("io.sparkotel.plugin.SparkotelPlugin", m))
  private def deserialize(b: ByteBuffer): AnyRef = ser.deserialize[Envelope](b.duplicate()).message

  /** One executor's sample at time t: an 8 GB heap, a 10 GB container, one to three of a few stages. */
  private def sampleOf(rnd: Random, id: Int, t: Long): Sample = {
    val v = Sample.empty
    def around(base: Long, spread: Long) = base + (rnd.nextDouble() * spread).toLong
    v(Sample.TimeMillis) = t
    v(Sample.HeapUsed) = around(1 * GiB, 5 * GiB)
    v(Sample.HeapCommitted) = 8 * GiB
    v(Sample.HeapMax) = 8 * GiB
    v(Sample.HeapUsedAfterGc) = around(512 * MiB, 2 * GiB)
    v(Sample.NonHeapUsed) = around(140 * MiB, 20 * MiB)
    v(Sample.DirectUsed) = around(32 * MiB, 64 * MiB)
    v(Sample.MappedUsed) = 0
    v(Sample.ExecutionOnHeap) = around(0, 2 * GiB)
    v(Sample.ExecutionOffHeap) = 0
    v(Sample.StorageOnHeap) = around(0, 1 * GiB)
    v(Sample.StorageOffHeap) = 0
    v(Sample.Rss) = around(8 * GiB + 400 * MiB, 400 * MiB)
    v(Sample.RssAnon) = v(Sample.Rss) - 60 * MiB
    v(Sample.RssFile) = 60 * MiB
    v(Sample.MallocInUse) = around(100 * MiB, 100 * MiB)
    v(Sample.MallocFree) = around(10 * MiB, 40 * MiB)
    v(Sample.PythonRss) = 0
    v(Sample.OtherChildrenRss) = 0
    v(Sample.CgroupUsage) = v(Sample.Rss) + 200 * MiB
    v(Sample.CgroupLimit) = 10 * GiB
    v(Sample.CgroupOomKills) = 0
    v(Sample.GcTimeMillis) = around(10000, 5000)
    v(Sample.Budget) = 8 * GiB + 819 * MiB
    v(Sample.TaskOom) = 0
    v(Sample.MallocMmapped) = around(8 * MiB, 32 * MiB)
    val stages = Array(12, 13, 14, 15)
    Sample(id.toString, v, Array.fill(1 + rnd.nextInt(3))(stages(rnd.nextInt(stages.length))).distinct)
  }

  /**
   * Feeds w `seconds` of samples from every executor, `perSecond` each, starting at simulated
   * time t0; returns (CPU ns deserializing, CPU ns receiving, messages).
   */
  private def feed(w: LossWatcher, rnd: Random, t0: Long, seconds: Int, perSecond: Int): (Long, Long, Long) = {
    var des, rec, n = 0L
    val bytes = new Array[ByteBuffer](Executors)
    val msgs = new Array[AnyRef](Executors)
    for (s <- 0 until seconds; k <- 0 until perSecond) {
      val t = t0 + s * 1000L + k * 1000L / perSecond
      var i = 0
      while (i < Executors) { bytes(i) = serialize(sampleOf(rnd, i + 1, t).toMessage); i += 1 }
      val c0 = threads.getCurrentThreadCpuTime
      i = 0
      while (i < Executors) { msgs(i) = deserialize(bytes(i)); i += 1 }
      val c1 = threads.getCurrentThreadCpuTime
      i = 0
      while (i < Executors) { w.receive(msgs(i)); i += 1 }
      val c2 = threads.getCurrentThreadCpuTime
      java.util.Arrays.fill(msgs, null)
      des += c1 - c0; rec += c2 - c1; n += Executors
    }
    (des, rec, n)
  }

  private def watcher() = new LossWatcher(LoggerFactory.getLogger("bench"), (_, _) => ())

  private def usedAfterGc(): Long = {
    for (_ <- 1 to 3) { System.gc(); Thread.sleep(200) }
    memory.getHeapMemoryUsage.getUsed
  }

  private def driver(): Unit = {
    val rnd = new Random(1)
    val t0 = 1700000000000L
    val one = serialize(sampleOf(rnd, 123, t0).toMessage)
    println(s"BENCH diagnosis.message_bytes ${one.remaining} 0")

    val w = watcher()
    feed(w, rnd, t0, 120, 1) // windows full, code compiled
    val runs = (1 to 5).map(r => feed(w, rnd, t0 + (120 + 30 * (r - 1)) * 1000L, 30, 1)).sortBy(r => r._1 + r._2)
    val (des, rec, n) = runs(2)
    val held = w.evidence.executors
    println(f"BENCH diagnosis.driver_deserialize ${des.toDouble / n}%.0f $n")
    println(f"BENCH diagnosis.driver_receive ${rec.toDouble / n}%.0f $n")
    println(f"BENCH diagnosis.driver_message ${(des + rec).toDouble / n}%.0f $n")
    println(f"BENCH diagnosis.driver_executors $held 0")

    for ((label, perSecond) <- Seq(("1s", 1), ("100ms", 10))) {
      val deltas = (1 to 3).map { _ =>
        val before = usedAfterGc()
        val w = watcher()
        feed(w, rnd, t0, 61, perSecond)
        val after = usedAfterGc()
        val samples = (1 to Executors).map(i => w.evidence.of(i.toString)._1.size).sum
        (after - before, samples)
      }.sortBy(_._1)
      println(s"BENCH diagnosis.retained_$label ${math.max(0L, deltas(1)._1)} ${deltas(1)._2}")
    }
  }

  private def executor(): Unit = {
    Headline.heapUsed = 3 * GiB; Headline.heapCommitted = 8 * GiB; Headline.heapMax = 8 * GiB
    Headline.heapUsedAfterGc = 1 * GiB; Headline.nonHeapUsed = 150 * MiB; Headline.directUsed = 64 * MiB
    Headline.mappedUsed = 0; Headline.gcTimeMillis = 12000; Headline.executionOnHeap = 1 * GiB
    Headline.storageOnHeap = 256 * MiB
    TaskActivity.started(TaskActivity.Stage(12, 0))
    TaskActivity.started(TaskActivity.Stage(13, 0))
    val sender = new EvidenceSender("7", _ => (), 8 * GiB + 819 * MiB)
    def sampleAndSerialize(): Unit = serialize(sender.sample().toMessage)

    // The library not loaded yet: nativeReadings throws UnsatisfiedLinkError, which the sender skips.
    val loaded = try { NativeCore.nativeReadings(new Array[Long](NativeCore.NATIVE_FIELDS)); true }
      catch { case _: LinkageError => false; case scala.util.control.NonFatal(_) => true } // loaded, core not running
    if (!loaded) println(f"BENCH diagnosis.executor_sample_no_core ${SampleBench.cpuNanosPerOp(20000)(sampleAndSerialize())}%.0f 1")

    val bridge = CoreBridge.load(println).getOrElse(sys.error("library did not load"))
    bridge.start(Seq("exporter" -> "none", "interval" -> "1s")) // readings come from the core's collections
    Thread.sleep(2500)
    val native = new Array[Long](NativeCore.NATIVE_FIELDS)
    NativeCore.nativeReadings(native) // throws if the core does not answer: then the numbers below would not be the real path
    println(s"BENCH-NOTE diagnosis native readings: ${native.mkString(" ")}")

    // One a second, interpreted: what an executor pays at 1 s (the first few left out).
    val (skip, samples) = (3, 20)
    var spentSample, spentSer = 0L
    for (k <- 0 until skip + samples) {
      Thread.sleep(1000)
      val c0 = threads.getCurrentThreadCpuTime
      val m = sender.sample().toMessage
      val c1 = threads.getCurrentThreadCpuTime
      serialize(m)
      val c2 = threads.getCurrentThreadCpuTime
      if (k >= skip) { spentSample += c1 - c0; spentSer += c2 - c1 }
    }
    println(f"BENCH diagnosis.executor_cold_sample ${spentSample.toDouble / samples}%.0f $samples")
    println(f"BENCH diagnosis.executor_cold_serialize ${spentSer.toDouble / samples}%.0f $samples")
    println(f"BENCH diagnosis.executor_cold ${(spentSample + spentSer).toDouble / samples}%.0f $samples")
    println(f"BENCH diagnosis.executor_sample ${SampleBench.cpuNanosPerOp(20000)(sender.sample())}%.0f 1")
    println(f"BENCH diagnosis.executor_sample_serialize ${SampleBench.cpuNanosPerOp(20000)(sampleAndSerialize())}%.0f 1")
    bridge.stop(1000)
  }

  def main(args: Array[String]): Unit = {
    executor()
    driver()
  }
}
