package io.sparkotel.diagnosis

import io.sparkotel.diagnosis.Sample._

/**
 * Classifies one executor loss from Spark's reason text, the exit code in it, and the
 * executor's last samples (oldest first). Pure: the rules are tested without Spark.
 */
object Classifier {
  /** Share of the nearest limit at which a process tree counts as at the limit. */
  val AtLimit = 0.85
  /** Share of heap max that, after a GC, counts as a full heap. */
  val HeapFull = 0.90
  private val Unlimited = 1L << 60
  /** How far before a stageless peak its stages are looked for. */
  val StageLookbackMillis = 2000L

  final case class Loss(executorId: String, host: String, reason: String, timeMillis: Long)

  private val ExitCode = """(?i)(?:exit(?:ed with)? code|exit status:?)\s*(-?\d+)""".r

  def exitCode(reason: String): Option[Int] =
    ExitCode.findFirstMatchIn(reason).map(_.group(1).toInt)

  def classify(loss: Loss, samples: Seq[Sample], taskOom: Boolean, stageName: Int => String): Verdict = {
    val exit = exitCode(loss.reason)
    val text = loss.reason.toLowerCase
    val last = samples.lastOption
    val age = last.map(s => math.max(0L, loss.timeMillis - s.time)).getOrElse(-1L)
    def verdict(cause: String, component: String, peak: Long, limit: Long, limitName: String,
                at: Option[Sample], suggestion: String, detail: String = "") =
      Verdict(loss.executorId, loss.host, exit, cause, component, detail, peak, limit, limitName,
        at.map(s => stagesAt(samples, s).toSeq.sorted.map(id => id -> stageName(id))).getOrElse(Nil), age, suggestion, loss.reason)

    val heapPeak = if (samples.isEmpty) None else Some(samples.maxBy(_(HeapUsed)))
    val heapMax = last.map(_(HeapMax)).getOrElse(-1L)
    val heapFullAfterGc = last.exists(s => s(HeapMax) > 0 && s(HeapUsedAfterGc) >= HeapFull * s(HeapMax))
    val sigkill = exit.contains(137) || text.contains("signal 9") || text.contains("sigkill")
    // A full heap after GC is the heap's doing whatever the exit code, unless the kernel's kill says otherwise.
    val heapOom = taskOom || last.exists(_(TaskOom) == 1) || exit.contains(52) || text.contains("outofmemoryerror") ||
      (heapFullAfterGc && !sigkill)

    val (limit, limitName) = nearestLimit(last)
    val treePeak = if (samples.isEmpty) None else Some(samples.maxBy(_.treeRss))
    val atLimit = limit > 0 && treePeak.exists(_.treeRss >= AtLimit * limit)
    val oomKills = samples.nonEmpty && samples.last(CgroupOomKills) > math.max(0L, samples.head(CgroupOomKills))
    val memoryText = text.contains("exceeding physical memory") || text.contains("oomkilled") ||
      text.contains("possible container oom")

    if (heapOom && !memoryText && !oomKills)
      heapPeak match {
        case Some(p) => verdict(Verdict.Heap, "heap", p(HeapUsed), heapMax, "heap max", Some(p), heapSuggestion(p, stagesAt(samples, p)))
        case None => verdict(Verdict.Heap, "heap", -1, -1, "heap max", None,
          "raise spark.executor.memory, or spread the failing stage's data over more partitions")
      }
    else if (samples.isEmpty)
      verdict(Verdict.Unknown, "none", -1, -1, "", None, "check the executor's log; Spark's reason is all there is",
        "no sample of this executor reached the driver (sparkotel did not start there, or it died first)")
    else if (memoryText || oomKills || (sigkill && atLimit)) {
      val peak = treePeak.get
      val (component, grew) = grownComponent(samples, peak)
      verdict(Verdict.ContainerMemory, component, peak.treeRss, limit, limitName, Some(peak),
        containerSuggestion(component, grew, peak))
    } else {
      val why = notMemoryWhy(text, exit, last.get, limit, limitName)
      verdict(Verdict.NotMemory, "none", last.get.treeRss, limit, limitName, last,
        if (text.contains("heartbeat")) "look for long GC pauses or network trouble; spark.network.timeout bounds the wait"
        else "memory had headroom: look at the cluster manager's and the node's logs for who ended it", why)
    }
  }

  /**
   * The stages running at sample s; when none was, those of the last earlier sample within
   * StageLookbackMillis that had some. A task that fails or ends leaves its memory behind until
   * the next GC, so a peak can come just after the stage that made it.
   */
  def stagesAt(samples: Seq[Sample], s: Sample): Array[Int] =
    if (s.stages.nonEmpty) s.stages
    else samples.reverseIterator.dropWhile(_ ne s).find(p => p.stages.nonEmpty || p.time < s.time - StageLookbackMillis)
      .filter(p => p.stages.nonEmpty && p.time >= s.time - StageLookbackMillis).map(_.stages).getOrElse(Array.empty)

  /** The lower of the cgroup's limit (when one is set) and the container budget. */
  private def nearestLimit(last: Option[Sample]): (Long, String) = {
    val cgroup = last.map(_(CgroupLimit)).filter(l => l > 0 && l < Unlimited).map(_ -> "cgroup limit")
    val budget = last.map(_(Sample.Budget)).filter(_ > 0).map(_ -> "container budget")
    (cgroup ++ budget).toSeq.sortBy(_._1).headOption.getOrElse((-1L, ""))
  }

  /**
   * Each part of the tree's memory in one sample, by component name. Direct buffers and
   * Spark's off-heap pages are malloc'd (large ones mmapped by glibc on their own), so they
   * are taken from the JVM's and Spark's own accounts and the rest of malloc is "malloc".
   */
  def components(s: Sample): Map[String, Long] = {
    def v(f: Int) = math.max(0L, s(f))
    val direct = v(DirectUsed)
    val offHeap = v(ExecutionOffHeap) + v(StorageOffHeap)
    val malloced = v(MallocInUse) + v(MallocMmapped)
    Map(
      "heap" -> v(HeapCommitted),
      "direct_buffers" -> direct,
      "spark_off_heap" -> offHeap,
      "malloc" -> math.max(0L, malloced - direct - offHeap),
      "malloc_free" -> v(MallocFree),
      "jvm_native" -> math.max(0L, v(Rss) - v(HeapCommitted) - math.max(malloced, direct + offHeap) - v(MallocFree)),
      "python" -> v(PythonRss),
      "children" -> v(OtherChildrenRss))
  }

  /** The component that grew most from its lowest in the window to the peak sample. */
  def grownComponent(samples: Seq[Sample], peak: Sample): (String, Long) = {
    val at = components(peak)
    val lows = samples.map(components)
    at.map { case (k, v) => k -> (v - lows.map(_(k)).min) }.maxBy(_._2)
  }

  private def mib(bytes: Long): Long = math.max(1L, (bytes + (1L << 20) - 1) >> 20)

  /** Rounded up to 128 MiB, so the advice reads as a setting. */
  private def roundMib(bytes: Long): Long = ((mib(bytes) + 127) / 128) * 128

  private def heapSuggestion(peak: Sample, stages: Array[Int]): String = {
    val max = peak(HeapMax)
    val stage = stages.sorted.headOption.map(id => s" or spread stage $id's data over more partitions (skew?)").getOrElse("")
    if (max > 0) s"raise spark.executor.memory to at least ${roundMib(max + max / 2)}m$stage"
    else s"raise spark.executor.memory$stage"
  }

  private def containerSuggestion(component: String, grew: Long, peak: Sample): String = {
    val more = s"${roundMib(math.max(grew, 384L << 20))}m"
    component match {
      case "python" => s"set spark.executor.pyspark.memory (Python workers grew by ${mib(grew)} MiB) so they fail with " +
        s"MemoryError instead of the container being killed, and raise spark.executor.memoryOverhead by $more"
      case "malloc_free" => "set MALLOC_ARENA_MAX=2 (spark.executorEnv.MALLOC_ARENA_MAX) so glibc returns freed memory, " +
        s"or raise spark.executor.memoryOverhead by $more"
      case "spark_off_heap" => s"raise spark.memory.offHeap.size by $more, or use less off-heap memory"
      case "direct_buffers" => s"raise spark.executor.memoryOverhead by $more, or cap -XX:MaxDirectMemorySize"
      case "heap" => "the heap committed grew into the container: raise spark.executor.memoryOverhead by " +
        s"$more (or lower spark.executor.memory) so heap plus native memory fit"
      case _ => s"raise spark.executor.memoryOverhead by $more"
    }
  }

  private def notMemoryWhy(text: String, exit: Option[Int], last: Sample, limit: Long, limitName: String): String = {
    val headroom = if (limit > 0) f" with ${100.0 * (limit - last.treeRss) / limit}%.0f%% headroom to the $limitName" else ""
    if (text.contains("heartbeat")) "heartbeat timed out"
    else if (text.contains("decommission")) "decommissioned"
    else if (text.contains("preempted")) "preempted by the cluster manager"
    else if (text.contains("killed by driver") || text.contains("explicit termination")) "killed by the driver (dynamic allocation or a kill request)"
    else if (exit.contains(137) || text.contains("signal 9")) s"a SIGKILL$headroom"
    else s"${exit.map(c => s"exit $c").getOrElse("lost")}$headroom"
  }
}
