package io.sparkotel.sampler

import java.util.concurrent.ScheduledFuture

import scala.collection.mutable
import scala.util.control.NonFatal

import org.slf4j.Logger

import io.sparkotel.core.{AgentThread, BatchWriter, Catalog, CoreBridge, SeriesIds}

/**
 * Every interval, on sparkotel's own thread (AgentThread), reads each Reading into one
 * batch, pushes it to the core, and logs what the core queued. A reading that throws is
 * skipped and counted (sparkotel.jvm.sampler.errors); nothing it does can fail the JVM or a
 * Spark thread.
 */
final class Sampler(bridge: CoreBridge, intervalMillis: Long, readings: Seq[Reading], log: Logger) {
  private val ids = new SeriesIds(bridge)
  private val errors = mutable.LinkedHashMap(readings.map(_.name -> 0L): _*)
  private var writer: BatchWriter = _
  private var schedule: Option[ScheduledFuture[_]] = None

  def start(): Unit = schedule = Some(AgentThread.every(intervalMillis, 0) {
    if (writer == null) writer = new BatchWriter(bridge)
    sampleOnce()
  })

  /** Stops after the current sample (waiting at most timeoutMillis for it), then frees the batch. */
  def stop(timeoutMillis: Long): Unit = {
    schedule.foreach(_.cancel(false))
    AgentThread.await(timeoutMillis) {
      drainLogs()
      if (writer != null) try writer.close() catch { case NonFatal(_) => }
      writer = null
    }
  }

  /** One sample; package-visible for tests. */
  private[sparkotel] def sampleOnce(): Unit = {
    writer.begin(System.currentTimeMillis() * 1000000L)
    readings.foreach { r =>
      try r.read(ids, writer)
      catch {
        case NonFatal(_) | _: LinkageError | _: InterruptedException => errors(r.name) += 1
      }
    }
    errors.foreach { case (name, n) => writer.add(ids(Catalog.JvmSamplerErrors, name), n.toDouble) }
    try writer.push() catch { case NonFatal(e) => errors("jvm") += 1 }
    drainLogs()
  }

  private def drainLogs(): Unit =
    try Option(bridge.drainLogs()).foreach(_.split('\n').foreach { line =>
      val (level, msg) = line.span(_ != ' ')
      level match {
        case "WARN" => log.warn(msg.trim)
        case "INFO" => log.info(msg.trim)
        case _ => log.debug(msg.trim)
      }
    }) catch { case NonFatal(_) => }

  private[sparkotel] def errorCounts: Map[String, Long] = errors.toMap
}
