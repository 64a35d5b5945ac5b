package io.sparkotel.sink

/**
 * Spark registry names to metric names. Spark names a metric
 * `<spark.metrics.namespace or app id>.<executor id>.<source>.<metric>`; the first two parts
 * move into the resource (spark.application.id, spark.executor.id) and the rest becomes
 * `spark.<source>.<metric>` in snake case: `app-1.driver.BlockManager.memory.maxMem_MB` ->
 * `spark.block_manager.memory.max_mem_mb`. Pure: tested without Spark.
 */
object SparkNames {
  val Prefix = "spark."

  def clean(registryName: String, namespace: Option[String], executorId: Option[String]): String = {
    var rest = registryName
    namespace.filter(_.nonEmpty).foreach(ns => if (rest.startsWith(ns + ".")) rest = rest.substring(ns.length + 1))
    executorId.filter(_.nonEmpty).foreach(id => if (rest.startsWith(id + ".")) rest = rest.substring(id.length + 1))
    Prefix + rest.split('.').map(segment).filter(_.nonEmpty).mkString(".")
  }

  /** camelCase and odd characters to snake_case: "maxMem_MB" -> "max_mem_mb". */
  def segment(s: String): String = {
    val sb = new StringBuilder
    var prev = ' '
    s.foreach { c =>
      if (c.isUpper && (prev.isLower || prev.isDigit)) sb.append('_')
      sb.append(if (c.isLetterOrDigit && c < 128) c.toLower else '_')
      prev = c
    }
    sb.toString.replaceAll("_+", "_").stripPrefix("_").stripSuffix("_")
  }
}
