package io.sparkotel.sampler

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

import scala.collection.JavaConverters._

import io.sparkotel.core.{BatchWriter, Catalog, SeriesIds, Spec}

/**
 * Tasks running per stage in this JVM, fed by the executor plugin's task callbacks on the
 * task threads: those only touch a concurrent map (no JNI, no I/O). A stage leaves the map
 * when its last task here ends, and its series is released at the next sample, so live
 * series are bounded by the stages running concurrently here.
 */
object TaskActivity {
  final case class Stage(id: Int, attempt: Int) {
    // A case class hashes through MurmurHash3 over its boxed fields, several µs interpreted:
    // this is hashed on every task's start and end, on Spark's task threads.
    override def hashCode: Int = 31 * id + attempt
  }

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
  // java.util maps and while loops: at a sample a second this runs interpreted for minutes,
  // where Scala's maps and sets cost several µs a call (the JDK's are compiled early in any
  // JVM). A stage shown keeps its spec and the last sample that saw it.
  private val shown = new java.util.HashMap[TaskActivity.Stage, TaskReading.Shown]()
  private val failedSpecs = new java.util.HashMap[String, String]() // reason -> its spec
  private val completed = Spec.of(Catalog.SparkTasksCompleted.name, Catalog.SparkTasksCompleted.attributes, Nil)
  private var sample = 0L

  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    sample += 1
    var total, live = 0L
    val active = TaskActivity.activeEntries
    while (active.hasNext) {
      val e = active.next()
      var s = shown.get(e.getKey)
      if (s == null) {
        s = new TaskReading.Shown(Spec.of(Catalog.SparkStageTasksActive.name, Catalog.SparkStageTasksActive.attributes,
          Seq(e.getKey.id.toString, e.getKey.attempt.toString)))
        shown.put(e.getKey, s)
      }
      s.seen = sample
      out.add(ids.spec(s.spec), e.getValue.doubleValue)
      total += e.getValue.intValue
      live += 1
    }
    if (shown.size > live) { // a stage ended here: release its series
      val it = shown.values.iterator
      while (it.hasNext) { val s = it.next(); if (s.seen != sample) { ids.release(s.spec); it.remove() } }
    }
    Headline.activeTasks = total
    out.add(ids.spec(completed), TaskActivity.completed.get.toDouble)
    val failures = TaskActivity.failureEntries
    while (failures.hasNext) {
      val e = failures.next()
      var spec = failedSpecs.get(e.getKey)
      if (spec == null) {
        spec = Spec.of(Catalog.SparkTasksFailed.name, Catalog.SparkTasksFailed.attributes, Seq(e.getKey))
        failedSpecs.put(e.getKey, spec)
      }
      out.add(ids.spec(spec), e.getValue.get.toDouble)
    }
  }
}

private object TaskReading {
  final class Shown(val spec: String) { var seen = 0L }
}
