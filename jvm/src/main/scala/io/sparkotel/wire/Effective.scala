package io.sparkotel.wire

/**
 * The settings the native core parsed from our keys, which is their one parser: the JVM
 * side acts on these values, so the sampler and the exporter never disagree.
 */
final case class Effective(attached: Boolean, intervalMillis: Long, values: Map[String, String])

object Effective {
  /** Parses the core's "key=value" lines. */
  def parse(lines: String): Effective = {
    val kv = lines.split('\n').iterator.map(_.split("=", 2)).collect { case Array(k, v) => k -> v }.toMap
    Effective(kv.get("attached").contains("true"), kv("interval.ms").toLong, kv)
  }
}
