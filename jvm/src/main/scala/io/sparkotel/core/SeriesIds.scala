package io.sparkotel.core

import scala.collection.mutable
import scala.util.control.NonFatal

/**
 * Series ids by spec, defined in the core on first use. Owned by one thread. A definition
 * the core refuses (limit reached) is remembered as -1 so it is not retried every sample;
 * BatchWriter.add skips it.
 */
final class SeriesIds(bridge: CoreBridge) {
  private val ids = mutable.HashMap.empty[String, Int]
  var refused = 0L

  def apply(metric: Catalog.Metric, values: String*): Int = spec(Spec.of(metric.name, metric.attributes, values))

  def spec(s: String): Int = ids.getOrElseUpdate(s, try bridge.defineSeries(s) catch {
    case NonFatal(_) => refused += 1; -1
  })

  def release(s: String): Unit = ids.remove(s).foreach { id =>
    if (id >= 0) try bridge.releaseSeries(id) catch { case NonFatal(_) => }
  }

  def specs: collection.Set[String] = ids.keySet
}

object Spec {
  /** "name\tk=v..." with tabs and newlines in values flattened: they delimit the spec. */
  def of(name: String, keys: Seq[String], values: Seq[String]): String = {
    require(keys.size == values.size, s"$name takes ${keys.mkString(", ")}")
    val sb = new StringBuilder(name)
    keys.zip(values).foreach { case (k, v) => sb.append('\t').append(k).append('=').append(clean(v)) }
    sb.toString
  }

  def clean(v: String): String = v.replace('\t', ' ').replace('\n', ' ')
}
