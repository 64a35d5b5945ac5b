package io.sparkotel.config

import org.scalatest.funsuite.AnyFunSuite

class SinkConfigSpec extends AnyFunSuite {
  private val base = "spark.metrics.conf"

  test("the instance's keys override *, Spark's own sink keys are dropped") {
    val conf = Seq(
      s"$base.*.sink.otel.class" -> SinkConfig.SinkClass,
      s"$base.*.sink.otel.period" -> "5",
      s"$base.*.sink.otel.endpoint" -> "collector:4317",
      s"$base.*.sink.otel.interval" -> "1s",
      s"$base.executor.sink.otel.interval" -> "100ms",
      s"$base.driver.sink.otel.interval" -> "2s",
      "spark.app.name" -> "x")
    val exec = SinkConfig.resolve(conf, "executor")
    assert(exec.keys == Map("endpoint" -> "collector:4317", "interval" -> "100ms"))
    assert(exec.prefix == s"$base.executor.sink.otel.")
    assert(SinkConfig.resolve(conf, "driver").keys("interval") == "2s")
  }

  test("the sink is found by its class under any name; without one the name is otel") {
    val named = Seq(s"$base.*.sink.telemetry.class" -> SinkConfig.SinkClass, s"$base.*.sink.telemetry.exporter" -> "none",
      s"$base.*.sink.otel.exporter" -> "console")
    assert(SinkConfig.resolve(named, "driver").keys == Map("exporter" -> "none"))
    val pluginOnly = Seq(s"$base.*.sink.otel.exporter" -> "console")
    val r = SinkConfig.resolve(pluginOnly, "driver")
    assert(r.name == "otel" && r.keys == Map("exporter" -> "console") && r.prefix == s"$base.*.sink.otel.")
  }
}
