package io.sparkotel.readings

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

import scala.collection.JavaConverters._

/**
 * Tasks running per stage in this JVM, fed by the executor plugin's task callbacks on the
 * task threads: those only touch a concurrent map (no JNI, no I/O). A stage leaves the map
 * when its last task here ends, and its series is released at the next sample, so live
 * series are bounded by the stages running concurrently here.
 */
object TaskActivity {
  final case class Stage(id: Int, attempt: Int) {
    // A case class hashes through MurmurHash3 over its boxed fields, slow interpreted, and
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

  /** The ids of the stages with a task running here now. */
  def activeStageIds: Array[Int] = {
    val out = new java.util.ArrayList[Integer]()
    val it = active.keySet.iterator
    while (it.hasNext) { val id = it.next().id; if (!out.contains(id)) out.add(id) }
    val ids = new Array[Int](out.size)
    var i = 0
    while (i < ids.length) { ids(i) = out.get(i); i += 1 }
    ids
  }

  def snapshot: Map[Stage, Int] = active.asScala.map { case (k, v) => k -> v.intValue }.toMap
  def failures: Map[String, Long] = failed.asScala.map { case (k, v) => k -> v.get }.toMap
  // The sampler walks the live maps: no copies on its path.
  private[readings] def activeEntries: java.util.Iterator[java.util.Map.Entry[Stage, Integer]] = active.entrySet.iterator
  private[readings] def failureEntries: java.util.Iterator[java.util.Map.Entry[String, AtomicLong]] = failed.entrySet.iterator

  private[sparkotel] def reset(): Unit = { active.clear(); failed.clear(); completed.set(0) }
}
