package io.sparkotel.agent

import java.util.concurrent.ScheduledFuture

import scala.util.control.NonFatal

import org.slf4j.Logger

import io.sparkotel.readings.Reading
import io.sparkotel.wire.{BatchWriter, Catalog, CoreBridge, SeriesIds, Spec}

/**
 * Every interval, on sparkotel's own thread (AgentThread), reads each Reading into one
 * batch, pushes it to the core, and logs what the core queued. A reading that throws is
 * skipped and counted (sparkotel.jvm.sampler.errors); nothing it does can fail the JVM or a
 * Spark thread. Near a memory limit ([[Agent.nearLimit]]) it samples every fastMillis and has
 * the core send each sample at once, so a kill loses as little as it can.
 */
final class Sampler(bridge: CoreBridge, intervalMillis: Long, readings: Seq[Reading], log: Logger,
                    fastMillis: Long = Sampler.FastMillis) {
  private val ids = new SeriesIds(bridge)
  // Arrays and while loops: at a sample a second this code runs interpreted for minutes,
  // where every Scala collection call and closure costs microseconds.
  private val parts = readings.toArray
  private val errors = new Array[Long](parts.length)
  private val errorSpecs = parts.map(r => Spec.of(Catalog.JvmSamplerErrors.name, Catalog.JvmSamplerErrors.attributes, Seq(r.name)))
  private val pushErrors = parts.indexWhere(_.name == Catalog.SparkotelReading.Jvm) // a failed push counts against the JVM reading
  private var writer: BatchWriter = _
  @volatile private var schedule: Option[ScheduledFuture[_]] = None
  @volatile private var stopped = false

  def start(): Unit = schedule = Some(AgentThread.after(0)(tick()))

  /** One sample, then the next is scheduled from its end: a slow sample delays, never bursts. */
  private def tick(): Unit = if (!stopped) {
    try {
      if (writer == null) writer = new BatchWriter(bridge)
      sampleOnce()
      if (Agent.nearLimit) try bridge.flush() catch { case NonFatal(_) | _: LinkageError => }
    } finally if (!stopped) schedule = Some(AgentThread.after(period)(tick()))
  }

  /** The period now: the interval, or the fast one near a memory limit. */
  private[sparkotel] def period: Long = if (Agent.nearLimit) math.min(intervalMillis, fastMillis) else intervalMillis

  /**
   * Stops after the current sample (waiting at most timeoutMillis for it) and hands back the
   * writer, still attached: its last batch belongs in the core's final export, so the caller
   * detaches it once the core has stopped.
   */
  def stop(timeoutMillis: Long): Option[BatchWriter] = {
    stopped = true
    schedule.foreach(_.cancel(false))
    @volatile var last: Option[BatchWriter] = None
    AgentThread.await(timeoutMillis) {
      parts.foreach(r => try r.close() catch { case NonFatal(_) | _: LinkageError => })
      drainLogs()
      last = Option(writer)
      writer = null
    }
    last
  }

  /** One sample; package-visible for tests. */
  private[sparkotel] def sampleOnce(): Unit = {
    writer.begin(System.currentTimeMillis() * 1000000L)
    var i = 0
    while (i < parts.length) {
      try parts(i).read(ids, writer)
      catch {
        case NonFatal(_) | _: LinkageError | _: InterruptedException => errors(i) += 1
      }
      i += 1
    }
    i = 0
    while (i < parts.length) { writer.add(ids.spec(errorSpecs(i)), errors(i).toDouble); i += 1 }
    val extensions = Extensions.current
    extensions.foreach { e =>
      try e.reading.read(ids, writer)
      catch { case NonFatal(_) | _: LinkageError | _: InterruptedException => e.errors += 1 }
      writer.add(ids.spec(e.errorSpec), e.errors.toDouble)
    }
    try writer.push() catch { case NonFatal(e) => if (pushErrors >= 0) errors(pushErrors) += 1 }
    extensions.foreach(e => try e.afterSample() catch { case NonFatal(_) | _: LinkageError => e.errors += 1 })
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

  private[sparkotel] def errorCounts: Map[String, Long] = parts.map(_.name).zip(errors).toMap
}

object Sampler {
  /** The period near a memory limit, when the core does not say otherwise. */
  val FastMillis = 100L
}
