package io.sparkotel.core

import scala.util.control.NonFatal

import org.slf4j.LoggerFactory

import io.sparkotel.config.SinkConfig
import io.sparkotel.sampler.{JvmReading, Sampler, SparkMemoryReading, TaskReading}

/**
 * The process-wide sparkotel agent: starts the native core and the sampler thread once per
 * JVM however many plugin or sink instances ask (in local mode the driver and executor
 * plugins share one JVM), and stops them when the last of those shuts down. Nothing thrown
 * in here reaches Spark.
 */
object Agent {
  private val log = LoggerFactory.getLogger("io.sparkotel.Agent")
  @volatile private var bridge: Option[CoreBridge] = None
  private var sampler: Option[Sampler] = None
  private var users = 0

  /** Stop waits at most this long for the final flush; Spark's shutdown must not hang on us. */
  val StopTimeoutMillis = 3000L

  /**
   * Starts (or joins) the core. sparkConf: all of Spark's settings (our keys are found among
   * the metrics keys of `instance`); identity: app id/name, executor id, host. Returns the
   * bridge, or None when sparkotel is off in this JVM.
   */
  def start(sparkConf: Seq[(String, String)], instance: String, identity: Seq[(String, String)], role: String,
            loader: (String => Unit) => Option[CoreBridge] = CoreBridge.load): Option[CoreBridge] =
    synchronized {
      safely("start") {
        if (users > 0 && bridge.isDefined) { users += 1; bridge }
        else loader(msg => log.warn(msg)).flatMap { b =>
          val conf = SinkConfig.resolve(sparkConf, instance)
          val kv = conf.keys.toSeq ++ Seq("config.lenient" -> "true", "config.prefix" -> conf.prefix) ++ identity
          val attached = b.start(kv)
          users += 1
          bridge = Some(b)
          if (!attached) {
            val s = new Sampler(b, conf.intervalMillis, Seq(new JvmReading, new SparkMemoryReading, new TaskReading), log)
            s.start()
            sampler = Some(s)
            log.info(s"sparkotel: native core ${b.version} started in the $role (pid ${ProcessInfo.pid}), " +
              s"sampling every ${conf.intervalMillis} ms; settings from ${conf.prefix}*")
          }
          bridge
        }
      }.flatten
    }

  def current: Option[CoreBridge] = bridge

  /** Releases one start; the last one stops the sampler, then the core with a bounded flush. */
  def stop(): Unit = synchronized {
    if (users > 0) {
      users -= 1
      if (users == 0) {
        sampler.foreach(s => safely("sampler stop")(s.stop(StopTimeoutMillis)))
        sampler = None
      }
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
