package io.sparkotel.readings

import java.lang.management.{BufferPoolMXBean, ManagementFactory, MemoryType, MemoryUsage}

import scala.collection.JavaConverters._

import io.sparkotel.wire.{BatchWriter, Catalog, SeriesIds, Spec}
import io.sparkotel.wire.Catalog._

/** JVM memory pools, heap/non-heap, buffer pools, GC, threads, classes, CPU, uptime. */
final class JvmReading extends Reading {
  val name: String = SparkotelReading.Jvm
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
    val kind = if (p.getType == MemoryType.HEAP) JvmMemoryType.Heap else JvmMemoryType.NonHeap
    Array(JvmMemoryUsed, JvmMemoryCommitted, JvmMemoryLimit, JvmMemoryUsedAfterLastGc).map(spec(_, kind, p.getName))
  }
  // HotSpot keeps after-GC usage for heap pools only: for the others getCollectionUsage is a
  // call into the JVM that always returns null, so a non-heap pool that answers null once is
  // not asked again.
  private val collected = pools.map(p => p.getType == MemoryType.HEAP || p.getCollectionUsage != null)
  private val bufferSpecs = buffers.map(b => Array(JvmBufferMemoryUsed, JvmBufferMemoryLimit, JvmBufferCount).map(spec(_, b.getName)))
  private val gcSpecs = gcs.map(g => Array(JvmGcCount, JvmGcTime).map(spec(_, g.getName)))
  private val gcDurations = new GcDurations
  gcDurations.start()
  // The fixed series too: a sample runs once a second or so, so for its first minutes it is
  // interpreted, and building a spec there costs more than the rest of the sample.
  private val areaSpecs = Array(JvmMemoryType.Heap, JvmMemoryType.NonHeap)
    .map(k => Array(JvmMemoryMeasure.Used, JvmMemoryMeasure.Committed, JvmMemoryMeasure.Limit).map(spec(JvmMemoryArea, k, _)))
  private val threadsDaemon = spec(JvmThreadCount, JvmThreadDaemon.True)
  private val threadsOther = spec(JvmThreadCount, JvmThreadDaemon.False)
  private val threadsPeak = spec(JvmThreadPeak)
  private val classesLoaded = spec(JvmClassLoaded)
  private val classesUnloaded = spec(JvmClassUnloaded)
  private val classesNow = spec(JvmClassCount)
  private val cpuCount = spec(JvmCpuCount)
  private val cpuTime = spec(JvmCpuTime)
  private val cpuUtilization = spec(JvmCpuRecentUtilization)
  private val uptime = spec(ProcessUptime)
  private var lastCpuNanos, lastWallNanos = -1L
  // In a container the JVM re-reads its cgroup files for availableProcessors (a few file
  // opens and reads); the CPU limit rarely changes, so it is read once a minute.
  private var cpus = Runtime.getRuntime.availableProcessors
  private var cpusReadAt = System.nanoTime()

  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    var i = 0
    var heapAfterGc = 0L
    while (i < pools.length) {
      val (p, s) = (pools(i), poolSpecs(i))
      val u = p.getUsage
      if (u != null) {
        out.add(ids.spec(s(0)), u.getUsed.toDouble)
        out.add(ids.spec(s(1)), u.getCommitted.toDouble)
        if (u.getMax >= 0) out.add(ids.spec(s(2)), u.getMax.toDouble)
      }
      if (collected(i)) {
        val after = p.getCollectionUsage // null for pools no collector manages
        if (after != null) {
          out.add(ids.spec(s(3)), after.getUsed.toDouble)
          if (p.getType == MemoryType.HEAP) heapAfterGc += after.getUsed
        }
      }
      i += 1
    }
    val heap = memory.getHeapMemoryUsage
    val nonHeap = memory.getNonHeapMemoryUsage
    area(ids, out, areaSpecs(0), heap)
    area(ids, out, areaSpecs(1), nonHeap)
    Headline.heapUsed = heap.getUsed
    Headline.heapCommitted = heap.getCommitted
    Headline.nonHeapUsed = nonHeap.getUsed
    Headline.heapMax = heap.getMax
    Headline.heapUsedAfterGc = heapAfterGc
    i = 0
    while (i < buffers.length) {
      val (b, s) = (buffers(i), bufferSpecs(i))
      out.add(ids.spec(s(0)), b.getMemoryUsed.toDouble)
      out.add(ids.spec(s(1)), b.getTotalCapacity.toDouble)
      out.add(ids.spec(s(2)), b.getCount.toDouble)
      if (b.getName == "direct") Headline.directUsed = b.getMemoryUsed
      else if (b.getName == "mapped") Headline.mappedUsed = b.getMemoryUsed
      i += 1
    }
    i = 0
    var gcMillis = 0L
    while (i < gcs.length) {
      val millis = gcs(i).getCollectionTime
      out.add(ids.spec(gcSpecs(i)(0)), gcs(i).getCollectionCount.toDouble)
      out.add(ids.spec(gcSpecs(i)(1)), millis / 1000.0)
      gcMillis += math.max(0L, millis)
      i += 1
    }
    Headline.gcTimeMillis = gcMillis
    gcDurations.read(ids, out)
    val live = threads.getThreadCount
    val daemon = threads.getDaemonThreadCount
    out.add(ids.spec(threadsDaemon), daemon.toDouble)
    out.add(ids.spec(threadsOther), (live - daemon).toDouble)
    out.add(ids.spec(threadsPeak), threads.getPeakThreadCount.toDouble)
    out.add(ids.spec(classesLoaded), classes.getTotalLoadedClassCount.toDouble)
    out.add(ids.spec(classesUnloaded), classes.getUnloadedClassCount.toDouble)
    out.add(ids.spec(classesNow), classes.getLoadedClassCount.toDouble)
    if (System.nanoTime() - cpusReadAt > 60000000000L) {
      cpus = Runtime.getRuntime.availableProcessors
      cpusReadAt = System.nanoTime()
    }
    out.add(ids.spec(cpuCount), cpus.toDouble)
    os.foreach { o =>
      // Utilization from the CPU-time delta: getProcessCpuLoad would re-read /proc/stat.
      val cpu = o.getProcessCpuTime
      val wall = System.nanoTime()
      out.add(ids.spec(cpuTime), cpu / 1e9)
      if (lastWallNanos > 0 && wall > lastWallNanos && cpu >= 0) {
        val share = (cpu - lastCpuNanos).toDouble / ((wall - lastWallNanos).toDouble * cpus)
        out.add(ids.spec(cpuUtilization), math.min(1.0, math.max(0.0, share)))
      }
      lastCpuNanos = cpu
      lastWallNanos = wall
    }
    out.add(ids.spec(uptime), runtime.getUptime / 1000.0)
  }

  override def close(): Unit = gcDurations.close()

  /** s: the used, committed and limit specs of the area. */
  private def area(ids: SeriesIds, out: BatchWriter, s: Array[String], u: MemoryUsage): Unit = {
    out.add(ids.spec(s(0)), u.getUsed.toDouble)
    out.add(ids.spec(s(1)), u.getCommitted.toDouble)
    if (u.getMax >= 0) out.add(ids.spec(s(2)), u.getMax.toDouble)
  }
}
