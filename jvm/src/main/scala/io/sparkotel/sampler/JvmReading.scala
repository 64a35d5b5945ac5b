package io.sparkotel.sampler

import java.lang.management.{BufferPoolMXBean, ManagementFactory, MemoryType, MemoryUsage}

import scala.collection.JavaConverters._

import io.sparkotel.core.{BatchWriter, Catalog, SeriesIds, Spec}
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

  // Specs are built once: pool, collector and buffer names do not change, and building the
  // strings every sample would be most of the sample's cost.
  private def spec(m: Catalog.Metric, values: String*) = Spec.of(m.name, m.attributes, values)
  private val poolSpecs = pools.map { p =>
    val kind = if (p.getType == MemoryType.HEAP) "heap" else "non_heap"
    Array(JvmMemoryUsed, JvmMemoryCommitted, JvmMemoryLimit, JvmMemoryUsedAfterLastGc).map(spec(_, kind, p.getName))
  }
  private val bufferSpecs = buffers.map(b => Array(JvmBufferMemoryUsed, JvmBufferMemoryLimit, JvmBufferCount).map(spec(_, b.getName)))
  private val gcSpecs = gcs.map(g => Array(JvmGcCount, JvmGcTime).map(spec(_, g.getName)))
  private var lastCpuNanos, lastWallNanos = -1L

  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    var i = 0
    while (i < pools.length) {
      val (p, s) = (pools(i), poolSpecs(i))
      val u = p.getUsage
      if (u != null) {
        out.add(ids.spec(s(0)), u.getUsed.toDouble)
        out.add(ids.spec(s(1)), u.getCommitted.toDouble)
        if (u.getMax >= 0) out.add(ids.spec(s(2)), u.getMax.toDouble)
      }
      val after = p.getCollectionUsage // null for pools no collector manages
      if (after != null) out.add(ids.spec(s(3)), after.getUsed.toDouble)
      i += 1
    }
    val heap = memory.getHeapMemoryUsage
    val nonHeap = memory.getNonHeapMemoryUsage
    area(ids, out, "heap", heap)
    area(ids, out, "non_heap", nonHeap)
    Headline.heapUsed = heap.getUsed
    Headline.heapCommitted = heap.getCommitted
    Headline.nonHeapUsed = nonHeap.getUsed
    buffers.indices.foreach { i =>
      val (b, s) = (buffers(i), bufferSpecs(i))
      out.add(ids.spec(s(0)), b.getMemoryUsed.toDouble)
      out.add(ids.spec(s(1)), b.getTotalCapacity.toDouble)
      out.add(ids.spec(s(2)), b.getCount.toDouble)
      if (b.getName == "direct") Headline.directUsed = b.getMemoryUsed
    }
    gcs.indices.foreach { i =>
      out.add(ids.spec(gcSpecs(i)(0)), gcs(i).getCollectionCount.toDouble)
      out.add(ids.spec(gcSpecs(i)(1)), gcs(i).getCollectionTime / 1000.0)
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
      // Utilization from the CPU-time delta: getProcessCpuLoad would re-read /proc/stat.
      val cpu = o.getProcessCpuTime
      val wall = System.nanoTime()
      out.add(ids(JvmCpuTime), cpu / 1e9)
      if (lastWallNanos > 0 && wall > lastWallNanos && cpu >= 0) {
        val share = (cpu - lastCpuNanos).toDouble / ((wall - lastWallNanos).toDouble * Runtime.getRuntime.availableProcessors)
        out.add(ids(JvmCpuRecentUtilization), math.min(1.0, math.max(0.0, share)))
      }
      lastCpuNanos = cpu
      lastWallNanos = wall
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
