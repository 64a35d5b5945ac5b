package io.sparkotel.wire

import scala.collection.mutable
import scala.util.control.NonFatal

/**
 * Series ids by spec, defined in the core on first use. Owned by one thread. A definition
 * the core refuses (limit reached) is remembered as -1 so it is not retried every sample;
 * BatchWriter.add skips it.
 *
 * Readings look up the same spec strings, built once, every sample, and at one sample a
 * second that code runs interpreted, where a Scala map lookup is dear. So each spec's id is
 * also memoised in a small table by the string's cached hash and found again by reference.
 * The map stays the truth; a collision only costs the map lookup.
 */
final class SeriesIds(bridge: CoreBridge) {
  private val ids = mutable.HashMap.empty[String, Int]
  private val memoKeys = new Array[String](SeriesIds.MemoSize)
  private val memoIds = new Array[Int](SeriesIds.MemoSize)
  var refused = 0L

  def apply(metric: Catalog.Metric, values: String*): Int = spec(Spec.of(metric.name, metric.attributes, values))

  def spec(s: String): Int = {
    val slot = s.hashCode & (SeriesIds.MemoSize - 1)
    if (memoKeys(slot) eq s) return memoIds(slot)
    val id = ids.getOrElseUpdate(s, try bridge.defineSeries(s) catch {
      case NonFatal(_) => refused += 1; -1
    })
    memoKeys(slot) = s
    memoIds(slot) = id
    id
  }

  def release(s: String): Unit = ids.remove(s).foreach { id =>
    val slot = s.hashCode & (SeriesIds.MemoSize - 1)
    if (memoKeys(slot) == s) memoKeys(slot) = null // an equal string built elsewhere may sit there
    if (id >= 0) try bridge.releaseSeries(id) catch { case NonFatal(_) => }
  }

  def specs: collection.Set[String] = ids.keySet
}

object SeriesIds {
  private val MemoSize = 1024 // a JVM reading has ~60 series; power of two for the mask
}
