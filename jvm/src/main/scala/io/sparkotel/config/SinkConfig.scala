package io.sparkotel.config

/**
 * Finds sparkotel's settings among Spark's metrics keys, so users configure one place:
 * `spark.metrics.conf.<instance>.sink.<name>.<key>`. The sink name is the one whose `class`
 * is our sink (for this instance or `*`), else `otel`, so the plugin alone reads the same
 * keys. As in Spark's MetricsConfig, keys of the instance (`driver`, `executor`) override
 * those of `*`. Pure: tested without Spark.
 */
object SinkConfig {
  val SinkClass = "org.apache.spark.metrics.sink.SparkotelSink"
  val DefaultName = "otel"
  /** Keys Spark's sink machinery owns; they are not the core's. */
  val SparkOwned = Set("class", "period", "unit")

  /** Our keys as given; their values are parsed by the native core only (core.Effective). */
  final case class Resolved(name: String, prefix: String, keys: Map[String, String])

  private val Key = """spark\.metrics\.conf\.([^.]+)\.sink\.([^.]+)\.(.+)""".r

  def resolve(conf: Seq[(String, String)], instance: String): Resolved = {
    val sinkKeys = conf.collect { case (Key(inst, name, key), v) => (inst, name, key, v) }
    def props(inst: String, name: String) =
      sinkKeys.collect { case (`inst`, `name`, k, v) => k -> v }.toMap
    val ours = sinkKeys.collect {
      case (inst, name, "class", v) if v.trim == SinkClass && (inst == instance || inst == "*") => name
    }.distinct.sorted
    val name = ours.headOption.getOrElse(DefaultName)
    val specific = props(instance, name)
    val keys = (props("*", name) ++ specific) -- SparkOwned
    val shownInstance = if (specific.keySet.exists(k => !SparkOwned(k))) instance else "*"
    Resolved(name, s"spark.metrics.conf.$shownInstance.sink.$name.", keys)
  }
}
