package org.apache.spark.sparkotel

import org.apache.spark.{SparkConf, SparkContext, SparkEnv}
import org.apache.spark.memory.{MemoryConsumer, MemoryMode, TaskMemoryManager}
import org.scalatest.funsuite.AnyFunSuite

/** SparkMemory against a real UnifiedMemoryManager, with execution memory held on and off heap. */
class SparkMemorySpec extends AnyFunSuite {
  test("usage and storage limits agree with the manager's own getters as execution memory comes and goes") {
    val sc = new SparkContext(new SparkConf().setMaster("local[1]").setAppName("sparkotel-memory")
      .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
      .set("spark.memory.offHeap.enabled", "true").set("spark.memory.offHeap.size", "64m"))
    try {
      val m = SparkEnv.get.memoryManager
      val reader = new SparkMemory
      val out = new Array[Long](6)
      def check(onHeap: Long, offHeap: Long): Unit = {
        assert(reader.read(out))
        assert(out(0) == onHeap && out(1) == offHeap, "execution memory in use")
        assert(out(4) == m.maxOnHeapStorageMemory && out(5) == m.maxOffHeapStorageMemory, "storage limits")
      }
      check(0, 0)
      val before = out.clone()
      val tasks = new TaskMemoryManager(m, 1L)
      val on = new Consumer(tasks, MemoryMode.ON_HEAP)
      val off = new Consumer(tasks, MemoryMode.OFF_HEAP)
      val (gotOn, gotOff) = (on.take(32L << 20), off.take(16L << 20))
      assert(gotOn > 0 && gotOff > 0)
      check(gotOn, gotOff)
      assert(out(4) == before(4) - gotOn && out(5) == before(5) - gotOff, "execution in use lowers what storage may take")
      on.give(gotOn)
      off.give(gotOff)
      check(0, 0)
    } finally sc.stop()
  }

  private final class Consumer(tasks: TaskMemoryManager, mode: MemoryMode) extends MemoryConsumer(tasks, mode) {
    override def spill(size: Long, trigger: MemoryConsumer): Long = 0L
    def take(bytes: Long): Long = acquireMemory(bytes)
    def give(bytes: Long): Unit = freeMemory(bytes)
  }
}
