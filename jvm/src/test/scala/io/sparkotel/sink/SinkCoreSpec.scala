package io.sparkotel.sink

import java.util.Properties

import com.codahale.metrics.{Gauge, MetricRegistry}
import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.FakeBridge

class SinkCoreSpec extends AnyFunSuite {
  private def gauge[T](v: T) = new Gauge[T] { def getValue: T = v }

  test("forwards every kind of Dropwizard metric with clean names, skips what it cannot, releases the gone") {
    val bridge = new FakeBridge
    val reg = new MetricRegistry
    reg.register("app-1.driver.BlockManager.memory.maxMem_MB", gauge(512L))
    reg.register("app-1.driver.DAGScheduler.stage.failedStages", gauge("n/a"))
    reg.counter("app-1.driver.HiveExternalCatalog.fileCacheHits").inc(3)
    reg.meter("app-1.driver.app.tasks").mark(5)
    reg.histogram("app-1.driver.x.sizes").update(10)
    reg.timer("app-1.driver.x.latency").update(2, java.util.concurrent.TimeUnit.SECONDS)
    reg.register("app-1.driver.plugin.io.sparkotel.plugin.SparkotelPlugin.jvm.heap.used", gauge(1L))
    val core = new SinkCore(new Properties, reg, () => Some(SinkCore.Context(bridge, Some("app-1"), Some("driver"))))
    core.report()
    val got = bridge.last
    assert(got("spark.block_manager.memory.max_mem_mb\t@kind=gauge") == 512)
    assert(got("spark.hive_external_catalog.file_cache_hits\t@kind=sum") == 3)
    assert(got("spark.app.tasks.count\t@kind=counter") == 5)
    assert(got("spark.x.sizes.p99\t@kind=gauge") == 10)
    assert(got("spark.x.latency.max\t@kind=gauge") == 2.0)
    assert(got("sparkotel.jvm.sink.skipped") == 1) // the string gauge
    assert(!got.keys.exists(_.contains("sparkotel_plugin")), "our own source is not forwarded twice")
    reg.remove("app-1.driver.BlockManager.memory.maxMem_MB")
    core.report()
    assert(bridge.released.contains("spark.block_manager.memory.max_mem_mb\t@kind=gauge"))
  }

  test("a series two names forward stays while one is left; a name re-registered as another metric moves over") {
    val bridge = new FakeBridge
    val reg = new MetricRegistry
    reg.register("app-1.driver.X.fooBar", gauge(1L))
    reg.register("app-1.driver.X.foo_bar", gauge(2L)) // both clean to spark.x.foo_bar
    val core = new SinkCore(new Properties, reg, () => Some(SinkCore.Context(bridge, Some("app-1"), Some("driver"))))
    core.report()
    reg.remove("app-1.driver.X.fooBar")
    core.report()
    assert(bridge.released.isEmpty, "spark.x.foo_bar is still forwarded")
    assert(bridge.last("spark.x.foo_bar\t@kind=gauge") == 2)
    reg.remove("app-1.driver.X.foo_bar")
    reg.counter("app-1.driver.X.foo_bar").inc(4)
    core.report()
    assert(bridge.released == Seq("spark.x.foo_bar\t@kind=gauge"))
    assert(bridge.last("spark.x.foo_bar\t@kind=sum") == 4)
    reg.remove("app-1.driver.X.foo_bar")
    core.report()
    assert(bridge.released == Seq("spark.x.foo_bar\t@kind=gauge", "spark.x.foo_bar\t@kind=sum"))
  }

  test("refused series are counted, a failing bridge never escapes") {
    val bridge = new FakeBridge
    bridge.refuse = _.startsWith("spark.")
    val reg = new MetricRegistry
    reg.counter("a.b").inc()
    val core = new SinkCore(new Properties, reg, () => Some(SinkCore.Context(bridge, None, None)))
    core.report()
    assert(bridge.last("sparkotel.jvm.sink.skipped") == 1)
    bridge.failPush = true
    core.report()
  }

  test("period and unit: Spark's keys, bad values named with the default used") {
    val warns = collection.mutable.ArrayBuffer.empty[String]
    def p(kv: (String, String)*) = { val props = new Properties; kv.foreach { case (k, v) => props.setProperty(k, v) }; props }
    assert(SinkCore.period(p(), warns += _) == 10)
    assert(SinkCore.period(p("period" -> "2", "unit" -> "minutes"), warns += _) == 120)
    assert(SinkCore.period(p("period" -> "500", "unit" -> "MILLISECONDS"), warns += _) == 1)
    assert(warns.isEmpty)
    assert(SinkCore.period(p("period" -> "x"), warns += _) == 10 && warns.last.contains("period=x"))
    assert(SinkCore.period(p("unit" -> "fortnights"), warns += _) == 10 && warns.last.contains("accepted: NANOSECONDS"))
  }
}
