package io.sparkotel.plugin

import java.util.{Map => JMap}

import scala.collection.JavaConverters._

import com.codahale.metrics.{Gauge, Metric, MetricSet}

import io.sparkotel.sampler.Headline

/**
 * sparkotel's headline readings in Spark's own metrics system (JMX, PrometheusServlet, any
 * sink), as source plugin.io.sparkotel.plugin.SparkotelPlugin. The gauges return what the
 * sampler last read: Spark's reporting threads never touch MXBeans, JNI or /proc for us.
 */
final class HeadlineMetrics extends MetricSet {
  private def gauge(f: => Long): Gauge[Long] = new Gauge[Long] { def getValue: Long = f }

  override def getMetrics: JMap[String, Metric] = Map[String, Metric](
    "jvm.heap.used" -> gauge(Headline.heapUsed),
    "jvm.heap.committed" -> gauge(Headline.heapCommitted),
    "jvm.nonheap.used" -> gauge(Headline.nonHeapUsed),
    "jvm.direct.used" -> gauge(Headline.directUsed),
    "spark.execution.onheap" -> gauge(Headline.executionOnHeap),
    "spark.execution.offheap" -> gauge(Headline.executionOffHeap),
    "spark.storage.onheap" -> gauge(Headline.storageOnHeap),
    "spark.storage.offheap" -> gauge(Headline.storageOffHeap),
    "tasks.active" -> gauge(Headline.activeTasks)
  ).asJava
}
