package io.sparkotel.diagnosis

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

/**
 * What the driver keeps of each executor: its samples of the last windowMillis, whether a task
 * of it failed with an OutOfMemoryError, and nothing of an executor once it is forgotten.
 *
 * Samples of the last recentMillis are kept as they came (at most maxRecent); older ones are
 * thinned to one a second, the one nearest a limit. An executor near its limit samples every
 * 100 ms, and a store of 1,000 such executors must not cost the driver ten times the memory
 * of 1 s sampling: the verdict needs the last moments in full, and of the minute before only
 * the peaks and the lows.
 */
final class Evidence(windowMillis: Long = 60000L, recentMillis: Long = 5000L, maxRecent: Int = 100) {
  private final class Ring(val executorId: String) {
    val older = new java.util.ArrayDeque[Sample]()
    val recent = new java.util.ArrayDeque[Sample]()
    @volatile var taskOom = false

    def add(s: Sample): Unit = {
      recent.addLast(s)
      while (recent.peekFirst.time < s.time - recentMillis) thin(recent.pollFirst())
      while (recent.size > maxRecent) { recent.pollFirst(); dropped.incrementAndGet() }
      while (!older.isEmpty && older.peekFirst.time < s.time - windowMillis) older.pollFirst() // aged out
    }

    /** An older sample joins its second's one, the sample nearer a limit staying. */
    private def thin(s: Sample): Unit = {
      val last = older.peekLast
      if (last != null && last.time / 1000 == s.time / 1000) {
        if (Evidence.pressure(s) > Evidence.pressure(last)) { older.pollLast(); older.addLast(s) }
      } else older.addLast(s)
    }
  }

  private val rings = new ConcurrentHashMap[String, Ring]()
  private val forgotten = ConcurrentHashMap.newKeySet[String]()
  private val forgetOrder = new java.util.concurrent.ConcurrentLinkedQueue[String]()
  /** Samples dropped: more than maxRecent came within recentMillis, or the executor was already forgotten. */
  val dropped = new AtomicLong

  def add(s: Sample): Unit =
    if (forgotten.contains(s.executorId)) dropped.incrementAndGet()
    else {
      val ring = rings.computeIfAbsent(s.executorId, id => new Ring(id))
      // Each message brings its own copy of the id; the ring's one is kept instead.
      val kept = if (s.executorId eq ring.executorId) s else s.copy(executorId = ring.executorId)
      ring.synchronized(ring.add(kept))
    }

  def taskOom(executorId: String): Unit =
    if (!forgotten.contains(executorId)) rings.computeIfAbsent(executorId, id => new Ring(id)).taskOom = true

  /** The executor's samples, oldest first, and whether a task of it ran out of heap. */
  def of(executorId: String): (Seq[Sample], Boolean) = Option(rings.get(executorId)) match {
    case Some(r) => r.synchronized {
      val out = new Array[Sample](r.older.size + r.recent.size)
      r.older.toArray(out)
      System.arraycopy(r.recent.toArray, 0, out, r.older.size, r.recent.size)
      (out.toSeq, r.taskOom)
    }
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

  /** How near a sample is to a limit: the larger of its heap's and its process tree's share. */
  def pressure(s: Sample): Double = {
    def share(used: Long, limit: Long) = if (limit > 0 && used >= 0) used.toDouble / limit else 0.0
    val treeLimit = Seq(s(Sample.CgroupLimit), s(Sample.Budget)).filter(l => l > 0 && l < (1L << 60))
    math.max(share(s(Sample.HeapUsed), s(Sample.HeapMax)),
      if (treeLimit.isEmpty) 0.0 else share(s.treeRss, treeLimit.min))
  }
}
