package io.sparkotel.diagnosis

import java.util.concurrent.atomic.AtomicLong

import scala.util.control.NonFatal

import io.sparkotel.bridge.NativeCore
import io.sparkotel.readings.{Headline, TaskActivity}

/**
 * On an executor: sends the driver one [[Sample]] after every sample the agent takes (on the
 * agent thread), and a last one when a task fails with an OutOfMemoryError (on the task's
 * thread: PluginContext.send only queues the message). A send that fails is counted, never
 * thrown.
 */
final class EvidenceSender(executorId: String, send: AnyRef => Unit, budget: Long) {
  val sent, failed = new AtomicLong
  @volatile private var taskOom = false

  def sample(): Sample = {
    val v = Sample.empty
    v(Sample.TimeMillis) = System.currentTimeMillis()
    v(Sample.HeapUsed) = Headline.heapUsed
    v(Sample.HeapCommitted) = Headline.heapCommitted
    v(Sample.HeapMax) = Headline.heapMax
    v(Sample.HeapUsedAfterGc) = Headline.heapUsedAfterGc
    v(Sample.NonHeapUsed) = Headline.nonHeapUsed
    v(Sample.DirectUsed) = Headline.directUsed
    v(Sample.MappedUsed) = Headline.mappedUsed
    v(Sample.ExecutionOnHeap) = Headline.executionOnHeap
    v(Sample.ExecutionOffHeap) = Headline.executionOffHeap
    v(Sample.StorageOnHeap) = Headline.storageOnHeap
    v(Sample.StorageOffHeap) = Headline.storageOffHeap
    v(Sample.GcTimeMillis) = Headline.gcTimeMillis
    v(Sample.Budget) = budget
    v(Sample.TaskOom) = if (taskOom) 1L else 0L
    val native = new Array[Long](NativeCore.NATIVE_FIELDS)
    try {
      NativeCore.nativeReadings(native)
      v(Sample.Rss) = native(NativeCore.NATIVE_RSS)
      v(Sample.RssAnon) = native(NativeCore.NATIVE_RSS_ANON)
      v(Sample.RssFile) = native(NativeCore.NATIVE_RSS_FILE)
      v(Sample.MallocInUse) = native(NativeCore.NATIVE_MALLOC_IN_USE)
      v(Sample.MallocFree) = native(NativeCore.NATIVE_MALLOC_FREE)
      v(Sample.PythonRss) = native(NativeCore.NATIVE_PYTHON_RSS)
      v(Sample.OtherChildrenRss) = native(NativeCore.NATIVE_OTHER_CHILDREN_RSS)
      v(Sample.CgroupUsage) = native(NativeCore.NATIVE_CGROUP_USAGE)
      v(Sample.CgroupLimit) = native(NativeCore.NATIVE_CGROUP_LIMIT)
      v(Sample.CgroupOomKills) = native(NativeCore.NATIVE_CGROUP_OOM_KILLS)
      v(Sample.MallocMmapped) = native(NativeCore.NATIVE_MALLOC_MMAPPED)
    } catch { case NonFatal(_) | _: LinkageError => } // the core is not running: the JVM's values still go
    Sample(executorId, v, TaskActivity.activeStageIds)
  }

  def sendNow(): Unit =
    try { send(sample().toMessage); sent.incrementAndGet() }
    catch { case NonFatal(_) | _: LinkageError => failed.incrementAndGet() }

  /** A task failed with an OutOfMemoryError: the executor may exit next, so this goes at once. */
  def lastWords(): Unit = { taskOom = true; sendNow() }
}
