package io.sparkotel.sampler

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

import scala.collection.JavaConverters._
import scala.collection.mutable

import io.sparkotel.core.{BatchWriter, Catalog, SeriesIds, Spec}

/**
 * Tasks running per stage in this JVM, fed by the executor plugin's task callbacks on the
 * task threads: those only touch a concurrent map (no JNI, no I/O). A stage leaves the map
 * when its last task here ends, and its series is released at the next sample, so live
 * series are bounded by the stages running concurrently here.
 */
object TaskActivity {
  final case class Stage(id: Int, attempt: Int)

  private val active = new ConcurrentHashMap[Stage, Integer]()
  private val current = new ThreadLocal[Stage]
  val completed = new AtomicLong
  private val failed = new ConcurrentHashMap[String, AtomicLong]()

  def started(stage: Stage): Unit = {
    current.set(stage)
    active.merge(stage, 1, (a: Integer, b: Integer) => Integer.valueOf(a + b))
  }

  /** Called on the thread that ran the task; failure is the TaskFailedReason's class name. */
  def ended(failure: Option[String]): Unit = {
    val stage = current.get
    current.remove()
    failure match {
      case Some(reason) => failed.computeIfAbsent(reason, _ => new AtomicLong).incrementAndGet()
      case None => completed.incrementAndGet()
    }
    if (stage != null) {
      // Returning null removes the stage when its count reaches zero, atomically.
      active.merge(stage, -1, (a: Integer, b: Integer) => if (a + b <= 0) null else Integer.valueOf(a + b))
    }
  }

  def snapshot: Map[Stage, Int] = active.asScala.map { case (k, v) => k -> v.intValue }.toMap
  def failures: Map[String, Long] = failed.asScala.map { case (k, v) => k -> v.get }.toMap
  // The sampler walks the live maps: no copies on its path.
  private[sampler] def activeEntries: java.util.Iterator[java.util.Map.Entry[Stage, Integer]] = active.entrySet.iterator
  private[sampler] def failureEntries: java.util.Iterator[java.util.Map.Entry[String, AtomicLong]] = failed.entrySet.iterator

  private[sparkotel] def reset(): Unit = { active.clear(); failed.clear(); completed.set(0) }
}

final class TaskReading extends Reading {
  val name = "tasks"
  private val shown = mutable.HashMap.empty[TaskActivity.Stage, String] // stage -> its spec
  private val seen = mutable.HashSet.empty[TaskActivity.Stage]
  private val failedSpecs = mutable.HashMap.empty[String, String] // reason -> its spec
  private val completed = Spec.of(Catalog.SparkTasksCompleted.name, Catalog.SparkTasksCompleted.attributes, Nil)

  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    var total = 0L
    seen.clear()
    val active = TaskActivity.activeEntries
    while (active.hasNext) {
      val e = active.next()
      val stage = e.getKey
      val spec = shown.getOrElseUpdate(stage, Spec.of(Catalog.SparkStageTasksActive.name,
        Catalog.SparkStageTasksActive.attributes, Seq(stage.id.toString, stage.attempt.toString)))
      out.add(ids.spec(spec), e.getValue.doubleValue)
      total += e.getValue.intValue
      seen += stage
    }
    if (shown.size > seen.size) { // a stage ended here: release its series
      shown.keys.filterNot(seen.contains).toList.foreach { stage => ids.release(shown.remove(stage).get) }
    }
    Headline.activeTasks = total
    out.add(ids.spec(completed), TaskActivity.completed.get.toDouble)
    val failures = TaskActivity.failureEntries
    while (failures.hasNext) {
      val e = failures.next()
      val spec = failedSpecs.getOrElseUpdate(e.getKey,
        Spec.of(Catalog.SparkTasksFailed.name, Catalog.SparkTasksFailed.attributes, Seq(e.getKey)))
      out.add(ids.spec(spec), e.getValue.get.toDouble)
    }
  }
}
