package io.sparkotel.sampler

import io.sparkotel.core.{BatchWriter, SeriesIds}

/** One group of JVM-side readings, written into the sampler's batch each interval. */
trait Reading {
  /** The value of the sparkotel.reading attribute when this reading fails. */
  def name: String
  def read(ids: SeriesIds, out: BatchWriter): Unit
}

/**
 * The latest headline values, for the Dropwizard MetricSet: Spark's metrics system reads
 * them from its own thread without touching MXBeans, JNI or /proc.
 */
object Headline {
  @volatile var heapUsed, heapCommitted, nonHeapUsed, directUsed = 0L
  @volatile var executionOnHeap, executionOffHeap, storageOnHeap, storageOffHeap = 0L
  @volatile var activeTasks = 0L
}
