package io.sparkotel.diagnosis

import scala.util.Try

import org.apache.spark.network.util.JavaUtils

/**
 * The memory a cluster manager grants an executor's container, computed as Spark does
 * (ResourceProfile.getResourcesForClusterManager): executor memory + overhead (explicit,
 * else max(factor × memory, the minimum)) + off-heap size when enabled + PySpark memory when
 * set (Python apps). YARN's pmem check and Kubernetes' pod limit hold the process tree to it;
 * standalone enforces only -Xmx, so there it is the line a YARN cluster would draw.
 */
object Budget {
  private val MiB = 1L << 20

  def bytes(conf: String => Option[String]): Long = {
    def mib(key: String): Option[Long] = conf(key).flatMap(v => Try(JavaUtils.byteStringAsMb(v.trim)).toOption)
    val memory = mib("spark.executor.memory").getOrElse(1024L)
    val factor = conf("spark.executor.memoryOverheadFactor").orElse(conf("spark.kubernetes.memoryOverheadFactor"))
      .flatMap(v => Try(v.trim.toDouble).toOption).getOrElse(0.10)
    val minimum = mib("spark.executor.minMemoryOverhead").getOrElse(384L)
    val overhead = mib("spark.executor.memoryOverhead").getOrElse(math.max((factor * memory).toLong, minimum))
    val offHeap = if (conf("spark.memory.offHeap.enabled").exists(_.trim.equalsIgnoreCase("true")))
      mib("spark.memory.offHeap.size").getOrElse(0L) else 0L
    val python = mib("spark.executor.pyspark.memory").getOrElse(0L) // only Python apps set it
    (memory + overhead + offHeap + python) * MiB
  }
}
