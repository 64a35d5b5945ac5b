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
final class EvidenceSender(executorId: String, send: AnyRef => Unit, budget: Long,
                           nearLimit: (Boolean, String) => Unit = (_, _) => (), threshold: () => Double = () => 0.0) {
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
      var i = 0
      while (i < EvidenceSender.FromNative.length) { val (field, at) = EvidenceSender.FromNative(i); v(field) = native(at); i += 1 }
    } catch { case NonFatal(_) | _: LinkageError => } // the core is not running: the JVM's values still go
    Sample(executorId, v, TaskActivity.activeStageIds)
  }

  /** Sends a sample, and says whether it is near a limit (headroom under the threshold). */
  def sendNow(): Unit =
    try {
      val s = sample()
      send(s.toMessage)
      sent.incrementAndGet()
      val h = Headroom.of(s)
      nearLimit(h.share < threshold(), f"${100 * h.share}%.0f%% headroom to the ${h.limit}")
    } catch { case NonFatal(_) | _: LinkageError => failed.incrementAndGet() }

  /** A task failed with an OutOfMemoryError: the executor may exit next, so this goes at once. */
  def lastWords(): Unit = { taskOom = true; sendNow() }
}

object EvidenceSender {
  /** Which sample field each native reading fills. */
  private val FromNative: Array[(Int, Int)] = Array(
    Sample.Rss -> NativeCore.NATIVE_RSS, Sample.RssAnon -> NativeCore.NATIVE_RSS_ANON,
    Sample.RssFile -> NativeCore.NATIVE_RSS_FILE, Sample.MallocInUse -> NativeCore.NATIVE_MALLOC_IN_USE,
    Sample.MallocFree -> NativeCore.NATIVE_MALLOC_FREE, Sample.MallocMmapped -> NativeCore.NATIVE_MALLOC_MMAPPED,
    Sample.PythonRss -> NativeCore.NATIVE_PYTHON_RSS, Sample.OtherChildrenRss -> NativeCore.NATIVE_OTHER_CHILDREN_RSS,
    Sample.CgroupUsage -> NativeCore.NATIVE_CGROUP_USAGE, Sample.CgroupLimit -> NativeCore.NATIVE_CGROUP_LIMIT,
    Sample.CgroupOomKills -> NativeCore.NATIVE_CGROUP_OOM_KILLS)
}
