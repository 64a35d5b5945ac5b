package io.sparkotel.plugin

import scala.collection.JavaConverters._

import com.codahale.metrics.Gauge
import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.readings.Headline

class HeadlineMetricsSpec extends AnyFunSuite {
  test("each headline gauge reads its own field of the last sample") {
    Headline.heapUsed = 1; Headline.heapCommitted = 2; Headline.nonHeapUsed = 3; Headline.directUsed = 4
    Headline.executionOnHeap = 5; Headline.executionOffHeap = 6; Headline.storageOnHeap = 7
    Headline.storageOffHeap = 8; Headline.activeTasks = 9
    val got = new HeadlineMetrics().getMetrics.asScala.map { case (k, g) => k -> g.asInstanceOf[Gauge[Long]].getValue }
    assert(got == Map("jvm.heap.used" -> 1, "jvm.heap.committed" -> 2, "jvm.nonheap.used" -> 3, "jvm.direct.used" -> 4,
      "spark.execution.onheap" -> 5, "spark.execution.offheap" -> 6, "spark.storage.onheap" -> 7,
      "spark.storage.offheap" -> 8, "tasks.active" -> 9))
  }
}
