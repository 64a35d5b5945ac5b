package io.sparkotel.readings

/**
 * The latest headline values, for the Dropwizard MetricSet: Spark's metrics system reads
 * them from its own thread without touching MXBeans, JNI or /proc.
 */
object Headline {
  @volatile var heapUsed, heapCommitted, nonHeapUsed, directUsed = 0L
  // For the evidence an executor sends its driver (unknown: -1).
  @volatile var heapMax, heapUsedAfterGc, mappedUsed, gcTimeMillis = -1L
  @volatile var executionOnHeap, executionOffHeap, storageOnHeap, storageOffHeap = 0L
  @volatile var activeTasks = 0L
}
