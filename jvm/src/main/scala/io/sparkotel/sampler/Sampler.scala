package io.sparkotel.sampler

import java.util.concurrent.TimeUnit

import scala.collection.mutable
import scala.util.control.NonFatal

import org.slf4j.Logger

import io.sparkotel.core.{BatchWriter, Catalog, CoreBridge, SeriesIds}

/**
 * The one sampler thread of a JVM: every interval it reads each Reading into one batch,
 * pushes it to the core, and logs what the core queued. A reading that throws is skipped and
 * counted (sparkotel.jvm.sampler.errors); nothing it does can fail the JVM or a Spark thread.
 */
final class Sampler(bridge: CoreBridge, intervalMillis: Long, readings: Seq[Reading], log: Logger) {
  private val ids = new SeriesIds(bridge)
  private val errors = mutable.LinkedHashMap(readings.map(_.name -> 0L): _*)
  @volatile private var running = true
  private var writer: BatchWriter = _

  private val thread = new Thread(new Runnable { def run(): Unit = loop() }, "sparkotel-sampler")
  thread.setDaemon(true) // never keeps a JVM alive

  def start(): Unit = thread.start()

  /** Stops the thread after its current sample; waits at most timeoutMillis. */
  def stop(timeoutMillis: Long): Unit = {
    running = false
    thread.interrupt()
    thread.join(timeoutMillis)
  }

  private def loop(): Unit = {
    try {
      writer = new BatchWriter(bridge)
      var next = System.nanoTime()
      while (running) {
        sampleOnce()
        next += TimeUnit.MILLISECONDS.toNanos(intervalMillis)
        val wait = next - System.nanoTime()
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait) else next = System.nanoTime() // fell behind: no burst
      }
    } catch {
      case _: InterruptedException => // stop()
      case t: Throwable => log.warn(s"sparkotel: the sampler stopped, the Spark job is unaffected: $t")
    } finally {
      drainLogs()
      if (writer != null) try writer.close() catch { case NonFatal(_) => }
    }
  }

  /** One sample; package-visible for tests. */
  private[sparkotel] def sampleOnce(): Unit = {
    writer.begin(System.currentTimeMillis() * 1000000L)
    readings.foreach { r =>
      try r.read(ids, writer)
      catch {
        case _: InterruptedException => Thread.currentThread().interrupt()
        case NonFatal(_) | _: LinkageError => errors(r.name) += 1
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
