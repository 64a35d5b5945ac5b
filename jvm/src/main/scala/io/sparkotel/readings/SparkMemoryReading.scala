package io.sparkotel.readings

import io.sparkotel.wire.{BatchWriter, Catalog, SeriesIds, Spec}

/** Spark's memory manager: execution and storage memory, on and off heap. */
final class SparkMemoryReading extends Reading {
  val name: String = Catalog.SparkotelReading.Spark
  private val v = new Array[Long](6)
  private val memory = new org.apache.spark.sparkotel.SparkMemory
  private def spec(m: Catalog.Metric, values: String*) = Spec.of(m.name, m.attributes, values)
  // In the order SparkMemory.read fills v.
  private val specs = {
    import Catalog.{SparkMemoryMode => Mode, SparkMemoryPool => Pool}
    Array(spec(Catalog.SparkMemoryUsed, Pool.Execution, Mode.OnHeap), spec(Catalog.SparkMemoryUsed, Pool.Execution, Mode.OffHeap),
      spec(Catalog.SparkMemoryUsed, Pool.Storage, Mode.OnHeap), spec(Catalog.SparkMemoryUsed, Pool.Storage, Mode.OffHeap),
      spec(Catalog.SparkMemoryStorageLimit, Mode.OnHeap), spec(Catalog.SparkMemoryStorageLimit, Mode.OffHeap))
  }

  def read(ids: SeriesIds, out: BatchWriter): Unit =
    if (memory.read(v)) {
      var i = 0
      while (i < v.length) { out.add(ids.spec(specs(i)), v(i).toDouble); i += 1 }
      Headline.executionOnHeap = v(0)
      Headline.executionOffHeap = v(1)
      Headline.storageOnHeap = v(2)
      Headline.storageOffHeap = v(3)
    }
}
