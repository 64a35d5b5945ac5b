package io.sparkotel.diagnosis

/**
 * One executor sample as it travels to the driver over the plugin's RPC channel: JDK types
 * only (an executor id, a long[] of the fields below, an int[] of active stage ids), a few
 * hundred bytes. Unknown values are -1.
 */
final case class Sample(executorId: String, values: Array[Long], stages: Array[Int]) {
  def apply(field: Int): Long = if (field < values.length) values(field) else -1L
  def time: Long = apply(Sample.TimeMillis)
  def known(field: Int): Boolean = apply(field) >= 0

  /** Resident memory of the executor's process tree: the JVM's RSS plus its children's. */
  def treeRss: Long = math.max(0L, apply(Sample.Rss)) + math.max(0L, apply(Sample.PythonRss)) +
    math.max(0L, apply(Sample.OtherChildrenRss))

  def toMessage: Array[AnyRef] = Array(Sample.Tag, executorId, values, stages)
}

object Sample {
  /** Marks our messages among whatever else reaches the plugin endpoint. */
  val Tag = "sparkotel.sample.v1"

  val TimeMillis = 0
  val HeapUsed = 1
  val HeapCommitted = 2
  val HeapMax = 3
  val HeapUsedAfterGc = 4
  val NonHeapUsed = 5
  val DirectUsed = 6
  val MappedUsed = 7
  val ExecutionOnHeap = 8
  val ExecutionOffHeap = 9
  val StorageOnHeap = 10
  val StorageOffHeap = 11
  val Rss = 12
  val RssAnon = 13
  val RssFile = 14
  val MallocInUse = 15
  val MallocFree = 16
  val PythonRss = 17
  val OtherChildrenRss = 18
  val CgroupUsage = 19
  val CgroupLimit = 20
  val CgroupOomKills = 21
  val GcTimeMillis = 22
  val Budget = 23
  val TaskOom = 24 // 1 once a task of the executor failed with an OutOfMemoryError
  val MallocMmapped = 25 // chunks glibc mmapped on their own (large ones: direct buffers, off-heap pages)
  val Fields = 26

  def empty: Array[Long] = Array.fill(Fields)(-1L)

  /** Decodes a message from an executor; None for anything that is not one of ours. */
  def fromMessage(message: Any): Option[Sample] = message match {
    case Array(Tag, id: String, values: Array[Long], stages: Array[Int]) => Some(Sample(id, values, stages))
    case _ => None
  }
}
