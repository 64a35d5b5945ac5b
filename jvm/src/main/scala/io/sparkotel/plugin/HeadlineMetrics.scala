package io.sparkotel.plugin

import java.util.{Map => JMap}

import com.codahale.metrics.{Gauge, Metric, MetricSet}

import io.sparkotel.readings.Headline

/**
 * sparkotel's headline readings in Spark's own metrics system (JMX, PrometheusServlet, any
 * sink), as source plugin.io.sparkotel.plugin.SparkotelPlugin. The gauges return what the
 * sampler last read: Spark's reporting threads never touch MXBeans, JNI or /proc for us.
 */
final class HeadlineMetrics extends MetricSet {
  // Plain classes, no closures: this runs in the plugin's init on Spark's thread, where
  // every lambda would cost a cold bootstrap.
  override def getMetrics: JMap[String, Metric] = {
    val m = new java.util.LinkedHashMap[String, Metric]()
    var i = 0
    while (i < HeadlineMetrics.Names.length) { m.put(HeadlineMetrics.Names(i), new HeadlineGauge(i)); i += 1 }
    m
  }
}

object HeadlineMetrics {
  val Names: Array[String] = Array("jvm.heap.used", "jvm.heap.committed", "jvm.nonheap.used", "jvm.direct.used",
    "spark.execution.onheap", "spark.execution.offheap", "spark.storage.onheap", "spark.storage.offheap", "tasks.active")
}

private final class HeadlineGauge(which: Int) extends Gauge[Long] {
  def getValue: Long = which match {
    case 0 => Headline.heapUsed
    case 1 => Headline.heapCommitted
    case 2 => Headline.nonHeapUsed
    case 3 => Headline.directUsed
    case 4 => Headline.executionOnHeap
    case 5 => Headline.executionOffHeap
    case 6 => Headline.storageOnHeap
    case 7 => Headline.storageOffHeap
    case _ => Headline.activeTasks
  }
}
