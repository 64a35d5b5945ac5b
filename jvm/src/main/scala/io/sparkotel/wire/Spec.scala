package io.sparkotel.wire

/** A series spec: the metric name, then tab-separated key=value attributes (see NativeCore.defineSeries). */
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
