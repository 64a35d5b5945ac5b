package io.sparkotel.agent

import org.scalatest.funsuite.AnyFunSuite
import org.slf4j.LoggerFactory

import io.sparkotel.FakeBridge
import io.sparkotel.readings.{JvmReading, Reading}
import io.sparkotel.wire.{BatchWriter, SeriesIds}

class SamplerSpec extends AnyFunSuite {
  private val log = LoggerFactory.getLogger("test")

  private object Broken extends Reading {
    val name = "spark"
    def read(ids: SeriesIds, out: BatchWriter): Unit = throw new IllegalStateException("no SparkEnv")
  }

  test("real JVM readings are sane: heap used <= committed <= limit, every pool, GC and threads") {
    val bridge = new FakeBridge
    val s = new Sampler(bridge, 1000, Seq(new JvmReading), log)
    startWriter(s)
    s.sampleOnce()
    val got = bridge.last
    def v(spec: String) = got.getOrElse(spec, fail(s"$spec missing from ${got.keys.toSeq.sorted.mkString("\n")}"))
    val used = v("sparkotel.jvm.memory.area\tjvm.memory.type=heap\tsparkotel.jvm.memory.measure=used")
    val committed = v("sparkotel.jvm.memory.area\tjvm.memory.type=heap\tsparkotel.jvm.memory.measure=committed")
    val limit = v("sparkotel.jvm.memory.area\tjvm.memory.type=heap\tsparkotel.jvm.memory.measure=limit")
    assert(0 < used && used <= committed && committed <= limit)
    assert(got.keys.exists(_.startsWith("jvm.memory.used\tjvm.memory.type=heap\tjvm.memory.pool.name=")))
    assert(got.keys.exists(_.startsWith("sparkotel.jvm.gc.count\tjvm.gc.name=")))
    assert(v("jvm.buffer.count\tjvm.buffer.pool.name=direct") >= 0)
    assert(v("jvm.thread.count\tjvm.thread.daemon=true") > 0 && v("jvm.class.count") > 1000)
    assert(v("process.uptime") > 0)
  }

  test("after-GC usage is read for exactly the pools the JVM keeps it for, sample after sample") {
    System.gc() // every collected pool then has an after-GC usage
    val bridge = new FakeBridge
    val s = new Sampler(bridge, 1000, Seq(new JvmReading), log)
    startWriter(s)
    val expected = java.lang.management.ManagementFactory.getMemoryPoolMXBeans.toArray.collect {
      case p: java.lang.management.MemoryPoolMXBean if p.getCollectionUsage != null => p.getName
    }.toSet
    assert(expected.nonEmpty)
    for (_ <- 1 to 3) {
      s.sampleOnce()
      val pools = bridge.last.keys.filter(_.startsWith("jvm.memory.used_after_last_gc\t"))
        .map(_.split("jvm.memory.pool.name=").last).toSet
      assert(pools == expected)
    }
  }

  test("a failing reading is skipped and counted; the others and the push go on") {
    val bridge = new FakeBridge
    val s = new Sampler(bridge, 1000, Seq(Broken, new JvmReading), log)
    startWriter(s)
    s.sampleOnce()
    s.sampleOnce()
    assert(bridge.last("sparkotel.jvm.sampler.errors\tsparkotel.reading=spark") == 2)
    assert(bridge.last.keys.exists(_.startsWith("jvm.memory.used")))
    bridge.failPush = true
    s.sampleOnce() // must not throw
    assert(s.errorCounts("jvm") == 1)
  }

  test("the sampler thread runs at its interval and stops within the timeout, closing its readings") {
    val bridge = new FakeBridge
    @volatile var closed = 0
    val closing = new Reading {
      val name = "tasks"
      def read(ids: SeriesIds, out: BatchWriter): Unit = ()
      override def close(): Unit = { closed += 1; throw new IllegalStateException("a close that fails is contained") }
    }
    val s = new Sampler(bridge, 100, Seq(new JvmReading, closing), log)
    s.start()
    Thread.sleep(1050)
    val t0 = System.nanoTime()
    s.stop(2000)
    assert((System.nanoTime() - t0) / 1e6 < 500)
    assert(closed == 1)
    // ~10 expected; a loaded machine may delay some, but never more than one per interval.
    assert(bridge.pushes.size >= 5 && bridge.pushes.size <= 12, s"${bridge.pushes.size} samples in ~1 s at 100 ms")
  }

  private def startWriter(s: Sampler): Unit = {
    val f = classOf[Sampler].getDeclaredFields.find(_.getType == classOf[BatchWriter]).get
    f.setAccessible(true)
    f.set(s, new BatchWriter(bridgeOf(s), 4)) // 4 entries: forces the buffer to grow
  }

  private def bridgeOf(s: Sampler): FakeBridge = {
    val f = classOf[Sampler].getDeclaredFields.find(_.getType.getName.endsWith("CoreBridge")).get
    f.setAccessible(true)
    f.get(s).asInstanceOf[FakeBridge]
  }
}
