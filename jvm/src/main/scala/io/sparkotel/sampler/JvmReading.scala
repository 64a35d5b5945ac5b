package io.sparkotel.sampler

import java.lang.management.{BufferPoolMXBean, ManagementFactory, MemoryType, MemoryUsage}

import scala.collection.JavaConverters._

import io.sparkotel.core.{BatchWriter, Catalog, SeriesIds}
import io.sparkotel.core.Catalog._

/** JVM memory pools, heap/non-heap, buffer pools, GC, threads, classes, CPU, uptime. */
final class JvmReading extends Reading {
  val name = "jvm"
  private val memory = ManagementFactory.getMemoryMXBean
  // The set of pools, collectors and buffer pools is fixed for a JVM's life.
  private val pools = ManagementFactory.getMemoryPoolMXBeans.asScala.toArray
  private val gcs = ManagementFactory.getGarbageCollectorMXBeans.asScala.toArray
  private val buffers = ManagementFactory.getPlatformMXBeans(classOf[BufferPoolMXBean]).asScala.toArray
  private val threads = ManagementFactory.getThreadMXBean
  private val classes = ManagementFactory.getClassLoadingMXBean
  private val runtime = ManagementFactory.getRuntimeMXBean
  private val os = ManagementFactory.getOperatingSystemMXBean match {
    case o: com.sun.management.OperatingSystemMXBean => Some(o) // HotSpot and OpenJ9 both provide it
    case _ => None
  }

  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    pools.foreach { p =>
      val kind = if (p.getType == MemoryType.HEAP) "heap" else "non_heap"
      val u = p.getUsage
      if (u != null) {
        out.add(ids(JvmMemoryUsed, kind, p.getName), u.getUsed.toDouble)
        out.add(ids(JvmMemoryCommitted, kind, p.getName), u.getCommitted.toDouble)
        if (u.getMax >= 0) out.add(ids(JvmMemoryLimit, kind, p.getName), u.getMax.toDouble)
      }
      val after = p.getCollectionUsage // null for pools no collector manages
      if (after != null) out.add(ids(JvmMemoryUsedAfterLastGc, kind, p.getName), after.getUsed.toDouble)
    }
    val heap = memory.getHeapMemoryUsage
    val nonHeap = memory.getNonHeapMemoryUsage
    area(ids, out, "heap", heap)
    area(ids, out, "non_heap", nonHeap)
    Headline.heapUsed = heap.getUsed
    Headline.heapCommitted = heap.getCommitted
    Headline.nonHeapUsed = nonHeap.getUsed
    buffers.foreach { b =>
      out.add(ids(JvmBufferMemoryUsed, b.getName), b.getMemoryUsed.toDouble)
      out.add(ids(JvmBufferMemoryLimit, b.getName), b.getTotalCapacity.toDouble)
      out.add(ids(JvmBufferCount, b.getName), b.getCount.toDouble)
      if (b.getName == "direct") Headline.directUsed = b.getMemoryUsed
    }
    gcs.foreach { g =>
      out.add(ids(JvmGcCount, g.getName), g.getCollectionCount.toDouble)
      out.add(ids(JvmGcTime, g.getName), g.getCollectionTime / 1000.0)
    }
    val live = threads.getThreadCount
    val daemon = threads.getDaemonThreadCount
    out.add(ids(JvmThreadCount, "true"), daemon.toDouble)
    out.add(ids(JvmThreadCount, "false"), (live - daemon).toDouble)
    out.add(ids(JvmThreadPeak), threads.getPeakThreadCount.toDouble)
    out.add(ids(JvmClassLoaded), classes.getTotalLoadedClassCount.toDouble)
    out.add(ids(JvmClassUnloaded), classes.getUnloadedClassCount.toDouble)
    out.add(ids(JvmClassCount), classes.getLoadedClassCount.toDouble)
    out.add(ids(JvmCpuCount), Runtime.getRuntime.availableProcessors.toDouble)
    os.foreach { o =>
      out.add(ids(JvmCpuTime), o.getProcessCpuTime / 1e9)
      val load = o.getProcessCpuLoad
      if (load >= 0) out.add(ids(JvmCpuRecentUtilization), load)
    }
    out.add(ids(ProcessUptime), runtime.getUptime / 1000.0)
  }

  private def area(ids: SeriesIds, out: BatchWriter, kind: String, u: MemoryUsage): Unit = {
    out.add(ids(JvmMemoryArea, kind, "used"), u.getUsed.toDouble)
    out.add(ids(JvmMemoryArea, kind, "committed"), u.getCommitted.toDouble)
    if (u.getMax >= 0) out.add(ids(JvmMemoryArea, kind, "limit"), u.getMax.toDouble)
  }
}

/** Spark's memory manager: execution and storage memory, on and off heap. */
final class SparkMemoryReading extends Reading {
  val name = "spark"
  private val v = new Array[Long](6)

  def read(ids: SeriesIds, out: BatchWriter): Unit =
    if (org.apache.spark.sparkotel.SparkMemory.read(v)) {
      out.add(ids(Catalog.SparkMemoryUsed, "execution", "on_heap"), v(0).toDouble)
      out.add(ids(Catalog.SparkMemoryUsed, "execution", "off_heap"), v(1).toDouble)
      out.add(ids(Catalog.SparkMemoryUsed, "storage", "on_heap"), v(2).toDouble)
      out.add(ids(Catalog.SparkMemoryUsed, "storage", "off_heap"), v(3).toDouble)
      out.add(ids(Catalog.SparkMemoryStorageLimit, "on_heap"), v(4).toDouble)
      out.add(ids(Catalog.SparkMemoryStorageLimit, "off_heap"), v(5).toDouble)
      Headline.executionOnHeap = v(0)
      Headline.executionOffHeap = v(1)
      Headline.storageOnHeap = v(2)
      Headline.storageOffHeap = v(3)
    }
}
