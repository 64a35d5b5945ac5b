package org.apache.spark.sparkotel

import org.apache.spark.SparkEnv

/**
 * Spark's MemoryManager is private[spark]; this helper lives under org.apache.spark to read
 * it. The getters are plain field reads under the manager's lock, held only briefly.
 */
object SparkMemory {
  /** Fills out with on-heap execution, off-heap execution, on-heap storage, off-heap
   * storage, max on-heap storage, max off-heap storage; false when there is no SparkEnv yet. */
  def read(out: Array[Long]): Boolean = {
    val env = SparkEnv.get
    if (env == null || env.memoryManager == null) return false
    val m = env.memoryManager
    out(0) = m.onHeapExecutionMemoryUsed
    out(1) = m.offHeapExecutionMemoryUsed
    out(2) = m.onHeapStorageMemoryUsed
    out(3) = m.offHeapStorageMemoryUsed
    out(4) = m.maxOnHeapStorageMemory
    out(5) = m.maxOffHeapStorageMemory
    true
  }
}
