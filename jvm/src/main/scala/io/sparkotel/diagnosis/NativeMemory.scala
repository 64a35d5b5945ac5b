package io.sparkotel.diagnosis

import java.lang.management.ManagementFactory
import javax.management.ObjectName

import io.sparkotel.wire.{BatchWriter, Catalog, SeriesIds, Spec}

/**
 * Native Memory Tracking's summary (`jcmd <pid> VM.native_memory summary`) through the
 * DiagnosticCommand MBean, read every forensics.nmt.interval on sparkotel's thread and
 * exported by category: the breakdown of "RSS minus heap". Needs
 * -XX:NativeMemoryTracking=summary at the JVM's start; without it, one WARN line and off.
 * NMT's own bookkeeping, not this read, is the cost that matters (docs/diagnosis.md).
 */
object NativeMemory {
  final case class Category(name: String, reservedBytes: Long, committedBytes: Long)

  def take(): String = ManagementFactory.getPlatformMBeanServer.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
    "vmNativeMemory", Array[AnyRef](Array("summary")), Array(classOf[Array[String]].getName)).toString

  // "-                 Java Heap (reserved=6172672KB, committed=397312KB)"; JDK 25 may add ", readonly=0KB".
  private val Row = """^-\s+(.+?)\s+\(reserved=(\d+)KB, committed=(\d+)KB.*$""".r

  /** The categories, or None when NMT is off in this JVM. */
  def parse(text: String): Option[Vector[Category]] =
    if (!text.contains("Native Memory Tracking:")) None
    else Some(text.split('\n').iterator.collect { case Row(n, r, c) => Category(n, r.toLong << 10, c.toLong << 10) }.toVector)

  // Agent thread only.
  @volatile private[sparkotel] var last: Vector[Category] = Vector.empty
  private var readAt = 0L // nanoTime; 0 = never
  private var off = false
  private var shown = Map.empty[String, (String, String)] // category -> its reserved and committed specs
  private var shownIds: SeriesIds = _

  /** Reads the summary when its interval has passed. failed: the one WARN line. */
  def check(everyMillis: Long, failed: (String, Throwable) => Unit): Unit =
    if (everyMillis > 0 && !off) {
      val now = System.nanoTime()
      if (readAt == 0L || now - readAt >= everyMillis * 1000000L) {
        readAt = now
        try parse(take()) match {
          case Some(c) => last = c
          case None => off = true; failed("native memory tracking", new IllegalStateException(
            "it is not enabled in this JVM: add -XX:NativeMemoryTracking=summary to its Java options"))
        } catch { case e @ (scala.util.control.NonFatal(_) | _: LinkageError) => off = true; failed("native memory tracking", e) }
      }
    }

  def read(ids: SeriesIds, out: BatchWriter): Unit = {
    if (!(ids eq shownIds)) { shown = Map.empty; shownIds = ids }
    val cats = last
    var i = 0
    while (i < cats.length) {
      val c = cats(i)
      val (r, m) = shown.getOrElse(c.name, {
        val specs = (spec(c.name, Catalog.JvmNativeState.Reserved), spec(c.name, Catalog.JvmNativeState.Committed))
        shown += c.name -> specs
        specs
      })
      out.add(ids.spec(r), c.reservedBytes.toDouble)
      out.add(ids.spec(m), c.committedBytes.toDouble)
      i += 1
    }
  }

  private def spec(category: String, state: String) =
    Spec.of(Catalog.JvmNativeMemory.name, Catalog.JvmNativeMemory.attributes, Seq(category, state))
}
