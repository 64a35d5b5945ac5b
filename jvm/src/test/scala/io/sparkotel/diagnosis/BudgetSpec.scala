package io.sparkotel.diagnosis

import org.scalatest.funsuite.AnyFunSuite

class BudgetSpec extends AnyFunSuite {
  private val MiB = 1L << 20
  private def budget(kv: (String, String)*) = Budget.bytes(kv.toMap.get)

  test("memory + max(10%, 384 MiB) overhead by default") {
    assert(budget() == (1024 + 384) * MiB)
    assert(budget("spark.executor.memory" -> "8g") == (8192 + 819) * MiB)
  }

  test("explicit overhead, factor and minimum; off-heap only when enabled; PySpark memory") {
    assert(budget("spark.executor.memory" -> "2g", "spark.executor.memoryOverhead" -> "1g") == 3072 * MiB)
    assert(budget("spark.executor.memory" -> "4g", "spark.executor.memoryOverheadFactor" -> "0.4") == (4096 + 1638) * MiB)
    assert(budget("spark.executor.minMemoryOverhead" -> "512m") == (1024 + 512) * MiB)
    assert(budget("spark.memory.offHeap.size" -> "1g") == (1024 + 384) * MiB)
    assert(budget("spark.memory.offHeap.enabled" -> "true", "spark.memory.offHeap.size" -> "1g") == (2048 + 384) * MiB)
    assert(budget("spark.executor.pyspark.memory" -> "512m") == (1536 + 384) * MiB)
  }
}
