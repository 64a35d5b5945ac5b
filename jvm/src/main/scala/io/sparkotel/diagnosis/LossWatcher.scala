package io.sparkotel.diagnosis

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

import scala.util.control.NonFatal

import org.apache.spark.ExceptionFailure
import org.apache.spark.scheduler._
import org.slf4j.Logger

/**
 * On the driver: keeps each executor's evidence (from [[receive]]) and, for every executor
 * removed while the application runs, writes one verdict after a grace window that lets its
 * last samples arrive. Spark can post a second removal of the same executor (SPARK-35011):
 * only the first counts. An application that ends normally gets no verdicts. Listener
 * callbacks run on Spark's listener thread and only touch maps; the verdict runs through
 * `later` (sparkotel's own thread).
 */
final class LossWatcher(log: Logger, later: (Long, () => Unit) => Unit, graceMillis: Long = 2000L,
                        val evidence: Evidence = new Evidence) extends SparkListener {
  @volatile private var ending = false
  private val hosts = new ConcurrentHashMap[String, String]()
  private val removed = new Bounded[String, java.lang.Boolean](LossWatcher.MaxRemoved) // ids already judged
  private val stageNames = new Bounded[Int, String](LossWatcher.MaxStages)
  private val counts = new ConcurrentHashMap[String, AtomicLong]()
  /** Verdicts written, newest last (bounded), for the report and tests. */
  val verdicts = new java.util.concurrent.ConcurrentLinkedDeque[Verdict]()

  /** A message from an executor's plugin; anything not ours is ignored. */
  def receive(message: Any): Unit = Sample.fromMessage(message).foreach(evidence.add)

  /** Executors lost so far, by cause. */
  def lost: Map[String, Long] = Verdict.Causes.map(c => c -> Option(counts.get(c)).map(_.get).getOrElse(0L)).toMap

  override def onExecutorAdded(e: SparkListenerExecutorAdded): Unit =
    hosts.put(e.executorId, Option(e.executorInfo).map(_.executorHost).getOrElse(""))

  override def onStageSubmitted(e: SparkListenerStageSubmitted): Unit = {
    val info = e.stageInfo
    val description = Option(e.properties).flatMap(p => Option(p.getProperty("spark.job.description")))
    stageNames.put(info.stageId, description.getOrElse(info.name))
  }

  override def onTaskEnd(e: SparkListenerTaskEnd): Unit = e.reason match {
    case f: ExceptionFailure if LossWatcher.outOfMemory(f) => evidence.taskOom(e.taskInfo.executorId)
    case _ =>
  }

  override def onApplicationEnd(e: SparkListenerApplicationEnd): Unit = ending = true

  override def onExecutorRemoved(e: SparkListenerExecutorRemoved): Unit =
    if (!ending && removed.putIfAbsent(e.executorId, java.lang.Boolean.TRUE)) {
      val loss = Classifier.Loss(e.executorId, Option(hosts.get(e.executorId)).getOrElse(""),
        Option(e.reason).getOrElse(""), e.time)
      later(graceMillis, () => decide(loss))
    }

  /** Stops further verdicts (the driver is shutting down). */
  def end(): Unit = ending = true

  private def decide(loss: Classifier.Loss): Unit =
    try if (!ending) {
      val (samples, taskOom) = evidence.of(loss.executorId)
      val v = Classifier.classify(loss, samples, taskOom, id => Option(stageNames.get(id)).getOrElse(""))
      evidence.forget(loss.executorId)
      hosts.remove(loss.executorId)
      counts.computeIfAbsent(v.cause, _ => new AtomicLong).incrementAndGet()
      verdicts.addLast(v)
      while (verdicts.size > LossWatcher.MaxVerdicts) verdicts.pollFirst()
      log.warn(v.line)
    } catch { case NonFatal(err) => log.warn(s"sparkotel: no verdict for executor ${loss.executorId}: $err") }
}

object LossWatcher {
  /**
   * The task failed with an OutOfMemoryError, thrown or wrapped: a UDF's comes wrapped in a
   * SparkException, its OutOfMemoryError only a cause in the full stack trace.
   */
  def outOfMemory(f: ExceptionFailure): Boolean =
    Seq(f.className, f.description, f.fullStackTrace).exists(t => t != null && t.contains("OutOfMemoryError"))

  val MaxStages = 10000
  /** Removed executors remembered for de-duplicating Spark's second removal event. */
  val MaxRemoved = 10000
  val MaxVerdicts = 1000
}

/** A map that forgets its oldest entries past max (insertion order), safe across threads. */
private[diagnosis] final class Bounded[K, V](max: Int) {
  private val map = new java.util.LinkedHashMap[K, V]() {
    override def removeEldestEntry(e: java.util.Map.Entry[K, V]): Boolean = size > max
  }
  def put(k: K, v: V): Unit = map.synchronized(map.put(k, v))
  def get(k: K): V = map.synchronized(map.get(k))
  /** True when k was absent (and is now present). */
  def putIfAbsent(k: K, v: V): Boolean = map.synchronized(map.putIfAbsent(k, v) == null)
}
