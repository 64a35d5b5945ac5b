package io.sparkotel.diagnosis

import scala.collection.mutable.ArrayBuffer

import org.apache.spark.ExceptionFailure
import org.apache.spark.scheduler.{SparkListenerApplicationEnd, SparkListenerExecutorRemoved}
import org.scalatest.funsuite.AnyFunSuite
import org.slf4j.LoggerFactory

class LossWatcherSpec extends AnyFunSuite {
  private def watcher() = {
    val pending = ArrayBuffer.empty[() => Unit]
    val w = new LossWatcher(LoggerFactory.getLogger("test"), (_, f) => pending += f)
    (w, pending)
  }

  private def sample(id: String, t: Long): Array[AnyRef] = {
    val v = Sample.empty
    v(Sample.TimeMillis) = t
    v(Sample.HeapUsed) = 100L << 20
    v(Sample.HeapMax) = 1L << 30
    v(Sample.Rss) = 300L << 20
    v(Sample.Budget) = 2L << 30
    Sample(id, v, Array(3)).toMessage
  }

  test("one verdict per lost executor, after the grace window; Spark's second removal event is ignored") {
    val (w, pending) = watcher()
    w.receive(sample("1", 1000))
    w.receive("not ours")
    w.onExecutorRemoved(SparkListenerExecutorRemoved(1400, "1", "Command exited with code 137"))
    w.onExecutorRemoved(SparkListenerExecutorRemoved(1500, "1", "Executor Process Lost"))
    assert(pending.size == 1 && w.verdicts.isEmpty)
    pending.foreach(_())
    val v = w.verdicts.peekLast
    assert(v.cause == Verdict.NotMemory && v.lastSampleAgeMillis == 400 && v.stages.map(_._1) == Seq(3), v)
    assert(w.lost(Verdict.NotMemory) == 1 && w.lost(Verdict.Heap) == 0)
    w.receive(sample("1", 2000)) // a late sample of a forgotten executor
    assert(w.evidence.executors == 0)
  }

  test("an application that ends normally gives no verdicts, even for removals already waiting") {
    val (w, pending) = watcher()
    w.receive(sample("2", 1000))
    w.onExecutorRemoved(SparkListenerExecutorRemoved(1100, "2", "Command exited with code 137"))
    w.onApplicationEnd(SparkListenerApplicationEnd(1200))
    w.onExecutorRemoved(SparkListenerExecutorRemoved(1300, "3", "Executor killed by driver."))
    pending.foreach(_())
    assert(pending.size == 1 && w.verdicts.isEmpty && w.lost.values.sum == 0)
  }

  test("an OutOfMemoryError wrapped in a SparkException (a UDF's) counts, found in the full stack trace") {
    def failure(cls: String, trace: String) = ExceptionFailure(cls, "[FAILED_EXECUTE_UDF] Failed to execute user defined function",
      Array.empty[StackTraceElement], trace, None)
    assert(LossWatcher.outOfMemory(failure("org.apache.spark.SparkException",
      "org.apache.spark.SparkException: [FAILED_EXECUTE_UDF]\n\tat x\nCaused by: java.lang.OutOfMemoryError: Java heap space\n")))
    assert(!LossWatcher.outOfMemory(failure("org.apache.spark.SparkException", "org.apache.spark.SparkException: boom\n")))
  }
}
