package org.apache.spark.sparkotel

import org.apache.spark.SparkEnv
import org.apache.spark.memory.{MemoryManager, UnifiedMemoryManager}

/**
 * Reads Spark's MemoryManager, which is private[spark]: this helper lives under
 * org.apache.spark to reach it. Owned by one thread (the sampler's).
 */
final class SparkMemory {
  // The manager whose fixed totals were read, and those totals (-1: not a unified manager).
  private var manager: MemoryManager = _
  private var onHeapTotal, offHeapTotal = -1L

  /** Fills out with on-heap execution, off-heap execution, on-heap storage, off-heap
   * storage, max on-heap storage, max off-heap storage; false when there is no SparkEnv yet. */
  def read(out: Array[Long]): Boolean = {
    val env = SparkEnv.get
    if (env == null || env.memoryManager == null) return false
    val m = env.memoryManager
    // Each getter takes the manager's lock, and so does each pool's sum over its tasks (the
    // pools lock on their manager): held once here, the six values are one consistent view
    // and task threads meet one acquisition of a lock they contend for, not six.
    m.synchronized {
      out(0) = m.onHeapExecutionMemoryUsed
      out(1) = m.offHeapExecutionMemoryUsed
      out(2) = m.onHeapStorageMemoryUsed
      out(3) = m.offHeapStorageMemoryUsed
      if (m ne manager) {
        manager = m
        m match {
          // UnifiedMemoryManager (3.4 to 4.3) grants storage up to a fixed total minus the
          // execution memory in use: the totals are read once, and each limit then costs a
          // subtraction instead of summing an execution pool over its tasks a second time.
          case _: UnifiedMemoryManager =>
            onHeapTotal = m.maxOnHeapStorageMemory + out(0)
            offHeapTotal = m.maxOffHeapStorageMemory + out(1)
          case _ => onHeapTotal = -1L; offHeapTotal = -1L
        }
      }
      if (onHeapTotal >= 0) {
        out(4) = onHeapTotal - out(0)
        out(5) = offHeapTotal - out(1)
      } else {
        out(4) = m.maxOnHeapStorageMemory
        out(5) = m.maxOffHeapStorageMemory
      }
    }
    true
  }
}
