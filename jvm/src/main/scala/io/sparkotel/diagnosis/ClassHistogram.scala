package io.sparkotel.diagnosis

import java.lang.management.ManagementFactory
import javax.management.ObjectName

/**
 * The JVM's class histogram through the DiagnosticCommand MBean: in-process, no jmap fork.
 * `gcClassHistogram` counts live objects, so it runs a full GC first ("Heap Inspection
 * Initiated GC"): a stop-the-world pause that grows with the live heap (docs/diagnosis.md).
 */
object ClassHistogram {
  final case class Entry(className: String, instances: Long, bytes: Long)

  private val DiagnosticCommand = "com.sun.management:type=DiagnosticCommand"

  /** The histogram's text, as `jcmd <pid> GC.class_histogram` prints it. Call off Spark's threads. */
  def take(): String = ManagementFactory.getPlatformMBeanServer.invoke(new ObjectName(DiagnosticCommand),
    "gcClassHistogram", Array[AnyRef](Array.empty[String]), Array(classOf[Array[String]].getName)).toString

  // "   1:        123456      7890123  [B (java.base@17.0.9)": rank, instances, bytes, class, module.
  private val Row = """^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+).*$""".r

  /** The first `top` rows (the JVM sorts them by bytes, largest first). */
  def parse(text: String, top: Int): Vector[Entry] =
    text.split('\n').iterator.collect { case Row(n, b, c) => Entry(c, n.toLong, b.toLong) }.take(top).toVector

  /** The histogram as one log block: a header line, then one line per class. */
  def render(entries: Seq[Entry]): String = {
    val sb = new StringBuilder
    sb.append(f"${"rank"}%6s ${"bytes"}%14s ${"instances"}%12s  class")
    entries.zipWithIndex.foreach { case (e, i) =>
      sb.append('\n').append(f"${i + 1}%6d ${e.bytes}%14d ${e.instances}%12d  ${e.className}")
    }
    sb.toString
  }
}
