package io.sparkotel.diagnosis

/**
 * The headroom of one sample to its nearest limit, as a share of that limit: the cgroup's
 * limit against its usage, the container budget against the process tree's RSS, and the heap
 * max against the heap used after the last GC. 1.0 when no limit is known.
 */
object Headroom {
  private val Unlimited = 1L << 60

  final case class To(share: Double, limit: String)

  def of(s: Sample): To = {
    def share(limit: Long, used: Long, name: String) =
      if (limit > 0 && limit < Unlimited && used >= 0) Some(To((limit - used).toDouble / limit, name)) else None
    Seq(share(s(Sample.CgroupLimit), s(Sample.CgroupUsage), "cgroup limit"),
      share(s(Sample.Budget), s.treeRss, "container budget"),
      share(s(Sample.HeapMax), s(Sample.HeapUsedAfterGc), "heap max after GC")).flatten
      .sortBy(_.share).headOption.getOrElse(To(1.0, "none"))
  }
}
