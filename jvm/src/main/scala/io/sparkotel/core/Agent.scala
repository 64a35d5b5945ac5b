package io.sparkotel.core

import scala.util.control.NonFatal

import org.slf4j.LoggerFactory

/**
 * The process-wide sparkotel agent: starts the native core once per JVM however many plugin
 * instances ask (in local mode the driver and executor plugins share one JVM), and stops it
 * when the last of them shuts down. Nothing thrown in here reaches Spark.
 */
object Agent {
  private val log = LoggerFactory.getLogger("io.sparkotel")
  @volatile private var bridge: Option[CoreBridge] = None
  private var users = 0

  /** Stop waits at most this long for the final flush; Spark's shutdown must not hang on us. */
  val StopTimeoutMillis = 3000L

  /** Starts (or joins) the core; returns the bridge, or None when sparkotel is off here. */
  def start(config: Seq[(String, String)], role: String,
            loader: (String => Unit) => Option[CoreBridge] = CoreBridge.load): Option[CoreBridge] =
    synchronized {
      safely("start") {
        loader(msg => log.warn(msg)).flatMap { b =>
          val attached = b.start(config)
          users += 1
          bridge = Some(b)
          if (!attached) {
            log.info(s"sparkotel: native core ${b.version} started in the $role " +
              s"(pid ${ProcessInfo.pid}); exporting as configured")
          }
          bridge
        }
      }.flatten
    }

  def current: Option[CoreBridge] = bridge

  /** Releases one start; the last one stops the core with a bounded flush. */
  def stop(): Unit = synchronized {
    if (users > 0) {
      users -= 1
      bridge.foreach(b => safely("stop")(b.stop(StopTimeoutMillis)))
      if (users == 0) bridge = None
    }
  }

  /** Runs f; any failure becomes one WARN line naming what failed. */
  def safely[T](what: String)(f: => T): Option[T] =
    try Some(f)
    catch {
      case e: LinkageError =>
        log.warn(s"sparkotel: $what failed, sparkotel stays off: $e"); None
      case NonFatal(e) =>
        val why = Option(e.getMessage).getOrElse(e.toString).stripPrefix("sparkotel ")
        log.warn(s"sparkotel: $what failed, Spark is unaffected: $why"); None
    }
}

private[sparkotel] object ProcessInfo {
  /** This JVM's pid (Java 8 has no ProcessHandle). */
  lazy val pid: Long =
    try java.lang.management.ManagementFactory.getRuntimeMXBean.getName.takeWhile(_ != '@').toLong
    catch { case NonFatal(_) => -1L }
}
