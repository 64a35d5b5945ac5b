package io.sparkotel.it

import java.nio.file.Files

import scala.concurrent.{Await, Future}
import scala.concurrent.ExecutionContext.Implicits.global
import scala.concurrent.duration._

import org.apache.spark.{SparkConf, SparkContext}
import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.config.SinkConfig

/**
 * The real library in a real SparkContext (local[2]): the plugin from spark.plugins, the sink
 * instantiated by Spark's MetricsSystem from spark.metrics.conf keys, and what the core
 * exported (console exporter, JSON lines) as the evidence.
 */
class SparkIntegrationSpec extends AnyFunSuite {
  test("plugin and sink in local[2]: sane readings, stage activity during the job and gone after, Spark's metrics forwarded") {
    val out = Files.createTempFile("sparkotel-it", ".jsonl")
    Files.delete(out)
    val conf = new SparkConf().setMaster("local[2]").setAppName("sparkotel-it")
      .set("spark.plugins", "io.sparkotel.plugin.SparkotelPlugin")
      .set("spark.ui.enabled", "false")
      .set("spark.driver.host", "127.0.0.1")
      .set("spark.metrics.conf.*.sink.otel.class", SinkConfig.SinkClass)
      .set("spark.metrics.conf.*.sink.otel.period", "1")
      .set("spark.metrics.conf.*.sink.otel.exporter", "console")
      .set("spark.metrics.conf.*.sink.otel.console.path", out.toString)
      .set("spark.metrics.conf.*.sink.otel.interval", "100ms")
    val sc = new SparkContext(conf)
    val activeStage = "sparkotel.spark.stage.tasks.active"
    val completedBefore = io.sparkotel.readings.TaskActivity.completed.get // process-wide, cumulative
    try {
      val job = Future(sc.parallelize(1 to 4, 4).map { i => Thread.sleep(1500); i }.sum())
      eventually(10.seconds)(ConsoleMetrics.read(out).exists(_.values(activeStage).exists(_.value > 0)))
      assert(Await.result(job, 30.seconds) == 10)
      // Once the job is over, the stage's series ends (within a sample and an export).
      eventually(5.seconds)(ConsoleMetrics.read(out).lastOption.exists(_.values(activeStage).isEmpty))
      eventually(5.seconds)(ConsoleMetrics.read(out).exists(_.points.exists(_.metric.startsWith("spark.block_manager."))))

      val last = ConsoleMetrics.read(out).last
      // The Collector's Spark receiver's names, so both join in one backend.
      assert(last.resource("spark.application.id") == sc.applicationId && last.resource("spark.executor.id") == "driver")
      assert(last.resource("spark.application.name") == "sparkotel-it")
      assert(!last.resource.contains("spark.app.id") && !last.resource.contains("spark.app.name"))
      assert(last.resource("service.name") == "sparkotel-it")
      def area(m: String) = last.value("sparkotel.jvm.memory.area", "jvm.memory.type" -> "heap",
        "sparkotel.jvm.memory.measure" -> m).getOrElse(fail(s"heap $m missing"))
      assert(0 < area("used") && area("used") <= area("committed") && area("committed") <= area("limit"))
      val rss = last.value("process.memory.usage").getOrElse(fail("RSS missing"))
      assert(rss > area("used"), "RSS holds the used heap and more")
      assert(last.value("sparkotel.spark.memory.storage.limit", "sparkotel.spark.memory.mode" -> "on_heap").exists(_ > 0))
      assert(last.value("sparkotel.spark.tasks.completed").contains(completedBefore + 4.0))
      assert(last.value("sparkotel.jvm.sampler.errors", "sparkotel.reading" -> "spark").contains(0.0))
    } finally sc.stop()
  }

  // Spark's sinks report every 10 s by default: a shorter job's metrics go in the final report.
  for (plugin <- Seq(true, false))
    test(s"a job shorter than the sink's period forwards Spark's metrics at stop (${if (plugin) "with" else "without"} the plugin)") {
      val out = Files.createTempFile("sparkotel-short", ".jsonl")
      Files.delete(out)
      val conf = new SparkConf().setMaster("local[2]").setAppName("sparkotel-short")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.metrics.conf.*.sink.otel.class", SinkConfig.SinkClass)
        .set("spark.metrics.conf.*.sink.otel.exporter", "console")
        .set("spark.metrics.conf.*.sink.otel.console.path", out.toString)
      if (plugin) conf.set("spark.plugins", "io.sparkotel.plugin.SparkotelPlugin")
      val sc = new SparkContext(conf)
      try assert(sc.parallelize(1 to 4, 4).sum() == 10) finally sc.stop()
      val forwarded = ConsoleMetrics.read(out).flatMap(_.points.map(_.metric)).filter(_.startsWith("spark.")).toSet
      assert(forwarded.exists(_.startsWith("spark.block_manager.")) && forwarded.exists(_.startsWith("spark.dagscheduler.")),
        forwarded.toSeq.sorted.take(10))
    }

  private def eventually(limit: FiniteDuration)(cond: => Boolean): Unit = {
    val deadline = limit.fromNow
    while (!cond) {
      if (deadline.isOverdue()) fail(s"condition not met within $limit")
      Thread.sleep(100)
    }
  }
}
