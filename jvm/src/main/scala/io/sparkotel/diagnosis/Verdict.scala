package io.sparkotel.diagnosis

import io.sparkotel.wire.Catalog

/**
 * Why one executor died, as the driver tells the user. cause is one of [[Verdict.Causes]];
 * component names what grew (a key of [[Verdict.components]], or "none"); detail says why
 * for the causes that are not memory; peak and limit are bytes (-1 unknown); stages are the
 * stages active at the peak, with their descriptions.
 */
final case class Verdict(executorId: String, host: String, exitCode: Option[Int], cause: String, component: String,
                         detail: String,
                         peak: Long, limit: Long, limitName: String, stages: Seq[(Int, String)],
                         lastSampleAgeMillis: Long, suggestion: String, reason: String) {

  /** The one WARN line in the driver's log. */
  def line: String = {
    val exit = exitCode.map(c => s" (exit $c)").getOrElse("")
    val where = if (host.isEmpty) "" else s" on $host"
    val what = cause match {
      case Verdict.Heap => s"died of JVM heap exhaustion: heap used peaked at ${Verdict.size(peak)} of ${Verdict.size(limit)} max"
      case Verdict.ContainerMemory =>
        s"died of container memory: ${Verdict.components.getOrElse(component, component)} grew; the process tree peaked at " +
          s"${Verdict.size(peak)} of the ${Verdict.size(limit)} $limitName"
      case Verdict.NotMemory => s"was lost, not for memory: $detail"
      case _ => s"was lost, cause unknown: $detail"
    }
    val during = if (stages.isEmpty) "no stage running" else
      stages.map { case (id, d) => if (d.isEmpty) s"stage $id" else s"stage $id ($d)" }.mkString(", ")
    val age = if (lastSampleAgeMillis < 0) "no sample reached the driver" else f"last sample ${lastSampleAgeMillis / 1000.0}%.1f s before the loss"
    s"sparkotel verdict: executor $executorId$where$exit $what; at the peak: $during; $age. " +
      s"Suggestion: $suggestion. Spark's reason: $reason " +
      s"[cause=$cause component=$component stages=${stages.map(_._1).mkString(",")} age_ms=$lastSampleAgeMillis]"
  }
}

object Verdict {
  // The causes are the catalogue's values of sparkotel.loss.cause.
  val Heap: String = Catalog.LossCause.Heap
  val ContainerMemory: String = Catalog.LossCause.ContainerMemory
  val NotMemory: String = Catalog.LossCause.NotMemory
  val Unknown: String = Catalog.LossCause.Unknown
  val Causes: Seq[String] = Catalog.LossCause.values

  /** The parts of a process tree's memory a verdict can name, and how the line says them. */
  val components: Map[String, String] = Map(
    "heap" -> "JVM heap committed",
    "jvm_native" -> "JVM native memory (metaspace, threads, code, GC)",
    "direct_buffers" -> "direct buffers",
    "spark_off_heap" -> "Spark off-heap memory",
    "malloc" -> "glibc malloc in use",
    "malloc_free" -> "glibc malloc free-but-retained arenas",
    "python" -> "Python workers",
    "children" -> "other child processes")

  def size(bytes: Long): String =
    if (bytes < 0) "?" else if (bytes >= (1L << 30)) f"${bytes / 1073741824.0}%.2f GiB" else f"${bytes / 1048576.0}%.0f MiB"
}
