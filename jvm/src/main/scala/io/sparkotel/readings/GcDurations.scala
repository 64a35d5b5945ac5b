package io.sparkotel.readings

import java.lang.management.ManagementFactory
import java.util.concurrent.atomic.{AtomicLong, AtomicLongArray, AtomicReferenceArray}
import javax.management.{Notification, NotificationEmitter, NotificationFilter, NotificationListener}
import javax.management.openmbean.CompositeData

import scala.collection.JavaConverters._
import scala.util.control.NonFatal

import io.sparkotel.wire.{BatchWriter, Catalog, SeriesIds, Spec}

/**
 * jvm.gc.duration, from the JVM's GC notifications: a cumulative histogram per (collector,
 * action) pair. The listener runs on the JVM's notification thread, so it only adds to fixed
 * atomic counters (no lock, no JNI, no I/O, no allocation of ours); the sampler reads them on
 * the agent thread each sample. The first [[GcDurations.MaxPairs]] pairs are kept; a
 * notification of any later pair is counted in sparkotel.jvm.gc.duration.dropped.
 */
final class GcDurations(bounds: Array[Double] = Catalog.JvmGcDuration.buckets.toArray) {
  import GcDurations._

  private val buckets = bounds.length + 1
  private val names = new AtomicReferenceArray[String](MaxPairs)
  private val actions = new AtomicReferenceArray[String](MaxPairs) // set before its name: a named pair is complete
  private val counts = new AtomicLongArray(MaxPairs * buckets)
  private val sumMillis = new AtomicLongArray(MaxPairs)
  private val dropped = new AtomicLong
  private val specs = new Array[String](MaxPairs) // the agent thread's, built once per pair
  private val droppedSpec = Spec.of(Catalog.JvmGcDurationDropped.name, Nil, Nil)
  private var emitters = List.empty[NotificationEmitter]

  private object Listener extends NotificationListener with NotificationFilter {
    def isNotificationEnabled(n: Notification): Boolean = n.getType == NotificationType
    def handleNotification(n: Notification, handback: AnyRef): Unit =
      try n.getUserData match {
        case cd: CompositeData =>
          val info = cd.get("gcInfo").asInstanceOf[CompositeData]
          record(cd.get("gcName").asInstanceOf[String], cd.get("gcAction").asInstanceOf[String],
            info.get("duration").asInstanceOf[java.lang.Long].longValue)
        case _ =>
      } catch { case NonFatal(_) | _: LinkageError => dropped.incrementAndGet() } // never into the JVM's thread
  }

  /** Listens to every collector that sends notifications; false when none does (then no histogram). */
  def start(): Boolean = {
    emitters = try ManagementFactory.getGarbageCollectorMXBeans.asScala.toList.flatMap {
      case e: NotificationEmitter =>
        try { e.addNotificationListener(Listener, Listener, null); Some(e) } catch { case NonFatal(_) => None }
      case _ => None
    } catch { case NonFatal(_) | _: LinkageError => Nil }
    emitters.nonEmpty
  }

  def close(): Unit = {
    emitters.foreach(e => try e.removeNotificationListener(Listener) catch { case NonFatal(_) => })
    emitters = Nil
  }

  /** Adds one collection of millis to its pair's histogram; package-visible for tests. */
  private[readings] def record(name: String, action: String, millis: Long): Unit = {
    if (name == null || action == null) { dropped.incrementAndGet(); return }
    val p = pair(name, action)
    if (p < 0) { dropped.incrementAndGet(); return }
    val seconds = math.max(0L, millis) / 1000.0
    var b = 0
    while (b < bounds.length && seconds > bounds(b)) b += 1 // explicit buckets are (lower, upper]
    counts.incrementAndGet(p * buckets + b)
    sumMillis.addAndGet(p, math.max(0L, millis))
  }

  /** The pair's index, claiming a free one for a new pair; -1 when all are taken. */
  private def pair(name: String, action: String): Int = {
    var i = 0
    while (i < MaxPairs) {
      val n = names.get(i)
      if (n == null) {
        // Claim by action, then publish the name: a reader sees only complete pairs.
        if (actions.compareAndSet(i, null, action)) { names.set(i, name); return i }
        while (names.get(i) == null) Thread.`yield`() // another notification thread is claiming it
      } else if (n == name && actions.get(i) == action) return i
      else i += 1
    }
    -1
  }

  /** Writes each pair's histogram: its sum (part 0), then its bucket counts (parts 1..). */
  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    var p = 0
    while (p < MaxPairs && names.get(p) != null) {
      if (specs(p) == null) specs(p) = Spec.of(Catalog.JvmGcDuration.name, Catalog.JvmGcDuration.attributes,
        Seq(names.get(p), actions.get(p)))
      val id = ids.spec(specs(p))
      out.add(id, 0, sumMillis.get(p) / 1000.0)
      var b = 0
      while (b < buckets) { out.add(id, 1 + b, counts.get(p * buckets + b).toDouble); b += 1 }
      p += 1
    }
    out.add(ids.spec(droppedSpec), dropped.get.toDouble)
  }

  /** (name, action) -> (count, seconds) of every pair so far; for tests. */
  private[sparkotel] def snapshot: Map[(String, String), (Long, Double)] =
    (0 until MaxPairs).takeWhile(names.get(_) != null).map { p =>
      (names.get(p), actions.get(p)) -> ((0 until buckets).map(b => counts.get(p * buckets + b)).sum, sumMillis.get(p) / 1000.0)
    }.toMap

  private[sparkotel] def droppedCount: Long = dropped.get
}

object GcDurations {
  /** Distinct (collector, action) pairs kept: a JVM has two or three collectors of a few actions each. */
  val MaxPairs = 16
  /** GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION, without linking the com.sun class. */
  private val NotificationType = "com.sun.management.gc.notification"
}
