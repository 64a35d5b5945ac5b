package io.sparkotel.diagnosis

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

/**
 * What the driver keeps of each executor: its samples of the last windowMillis (at most
 * maxSamples, so memory stays bounded however fast executors sample), whether a task of it
 * failed with an OutOfMemoryError, and nothing of an executor once it is forgotten.
 */
final class Evidence(windowMillis: Long = 60000L, maxSamples: Int = 600) {
  private final class Ring {
    val samples = new java.util.ArrayDeque[Sample]()
    @volatile var taskOom = false
  }
  private val rings = new ConcurrentHashMap[String, Ring]()
  private val forgotten = ConcurrentHashMap.newKeySet[String]()
  private val forgetOrder = new java.util.concurrent.ConcurrentLinkedQueue[String]()
  /** Samples dropped: the ring was full, or the executor already forgotten. */
  val dropped = new AtomicLong

  def add(s: Sample): Unit =
    if (forgotten.contains(s.executorId)) dropped.incrementAndGet()
    else {
      val ring = rings.computeIfAbsent(s.executorId, _ => new Ring)
      ring.synchronized {
        ring.samples.addLast(s)
        while (ring.samples.peekFirst.time < s.time - windowMillis) ring.samples.pollFirst() // aged out
        while (ring.samples.size > maxSamples) { ring.samples.pollFirst(); dropped.incrementAndGet() }
      }
    }

  def taskOom(executorId: String): Unit =
    if (!forgotten.contains(executorId)) rings.computeIfAbsent(executorId, _ => new Ring).taskOom = true

  /** The executor's samples, oldest first, and whether a task of it ran out of heap. */
  def of(executorId: String): (Seq[Sample], Boolean) = Option(rings.get(executorId)) match {
    case Some(r) => r.synchronized { (r.samples.toArray(new Array[Sample](0)).toSeq, r.taskOom) }
    case None => (Nil, false)
  }

  /** Drops an executor's evidence and ignores its late samples. */
  def forget(executorId: String): Unit = {
    if (forgotten.add(executorId)) forgetOrder.add(executorId)
    while (forgetOrder.size > Evidence.MaxForgotten) Option(forgetOrder.poll()).foreach(forgotten.remove)
    rings.remove(executorId)
  }

  def executors: Int = rings.size
}

object Evidence {
  /** Removed executors whose late samples are still ignored; older ones are forgotten. */
  val MaxForgotten = 10000
}
