package io.sparkotel.agent

import java.util.concurrent.atomic.{AtomicBoolean, AtomicInteger}

import scala.util.control.NonFatal

import org.slf4j.LoggerFactory

import io.sparkotel.wire.{BatchWriter, CoreBridge, Effective}

/**
 * The process-wide sparkotel agent: starts the native core and the sampler once per JVM
 * however many plugin or sink instances ask (in local mode the driver and executor plugins
 * share one JVM), and stops them when the last of those releases its hold. The work runs
 * on sparkotel's own thread (AgentThread): a start returns at once, so Spark's threads never
 * wait for the library to be extracted and loaded. Nothing thrown in here reaches Spark.
 *
 * This object is what Spark's threads touch, so it stays small: the work itself, and the
 * classes it needs (config, sampler, readings, the loader), live in [[AgentWork]], which only
 * the agent thread loads.
 */
object Agent {
  private[agent] val log = LoggerFactory.getLogger("io.sparkotel.Agent")
  @volatile private[agent] var bridge: Option[CoreBridge] = None // set on the agent thread
  /** The settings the running core settled on (set on the agent thread at each start), for extensions. */
  @volatile private[sparkotel] var effective: Option[Effective] = None
  private val pending = new AtomicInteger // starts asked for and not yet carried out

  /** True while this JVM is near a memory limit (the diagnosis says so): sample faster, send at once. */
  @volatile private[sparkotel] var nearLimit = false

  /** Switches near-limit sampling on or off; each switch is one INFO line. */
  def setNearLimit(on: Boolean, why: => String): Unit = if (on != nearLimit) {
    nearLimit = on
    log.info(if (on) s"sparkotel: near a memory limit ($why): sampling faster, each sample sent at once"
             else s"sparkotel: memory headroom recovered ($why): sampling at the interval again")
  }

  /** Stop waits at most this long for the final flush; Spark's shutdown must not hang on us. */
  val StopTimeoutMillis = 3000L

  /** One hold on the agent: release it exactly once (further releases do nothing). */
  final class Lease private[Agent] (val role: String) {
    @volatile private[agent] var holds = false // counted as a user: its release may stop the core
    @volatile private[agent] var callerMillis = 0.0 // how long the asking thread spent before the start was queued
    @volatile private[agent] var ended = false // its release has run: a start asked for later starts nothing
    private val released = new AtomicBoolean

    /** The last holder's release stops the sampler and the core, waiting for the final export. */
    def release(): Unit = if (released.compareAndSet(false, true)) Agent.release(this)
  }

  /**
   * Asks for the core and returns at once; the start runs on the agent thread. sparkConf: all
   * of Spark's settings (our keys are found among the metrics keys of `instance`); identity:
   * app id/name, executor id, host (the first start's identity stands). A failure is one WARN
   * line and leaves sparkotel off in this JVM. loader: the real library unless a test fakes it.
   * begunNanos: when the caller's own work began (a plugin's init), for the start line.
   * held: a lease from [[hold]] to start the core for, rather than a new one.
   */
  def start(sparkConf: Seq[(String, String)], instance: String, identity: Seq[(String, String)], role: String,
            loader: Option[(String => Unit) => Option[CoreBridge]] = None, begunNanos: Long = System.nanoTime(),
            held: Option[Lease] = None): Lease = {
    val lease = held.getOrElse(new Lease(role))
    val asked = System.nanoTime()
    lease.callerMillis = (asked - begunNanos) / 1e6
    pending.incrementAndGet()
    try AgentThread.submit(new StartTask(lease, role, sparkConf, instance, identity, asked, loader))
    catch { case NonFatal(e) => pending.decrementAndGet(); log.warn(s"sparkotel: $role start failed: $e") }
    lease
  }

  /** A named class, not a closure: start runs on Spark's thread (see PluginConfig). */
  private final class StartTask(lease: Lease, role: String, sparkConf: Seq[(String, String)], instance: String,
                                identity: Seq[(String, String)], asked: Long,
                                loader: Option[(String => Unit) => Option[CoreBridge]]) extends Runnable {
    def run(): Unit =
      try safely("start")(AgentWork.begin(lease, role, sparkConf, instance, identity, asked, loader))
      finally pending.decrementAndGet()
  }

  /**
   * Holds the agent without starting the core: until this lease is released, no other
   * holder's release stops the core, so whoever holds it can still report at its own stop.
   * The sink holds from its start, when Spark has not yet made our settings available.
   */
  def hold(role: String): Lease = {
    val lease = new Lease(role)
    try AgentThread.submit(new HoldTask(lease))
    catch { case NonFatal(e) => log.warn(s"sparkotel: $role start failed: $e") }
    lease
  }

  private final class HoldTask(lease: Lease) extends Runnable {
    def run(): Unit = safely("start")(AgentWork.hold(lease))
  }

  /**
   * Detaches w once the core has made its final export, whose collection reads every attached
   * writer's last batch; at once when no core runs. Call on the agent thread.
   */
  def detachAfterStop(w: BatchWriter): Unit = AgentWork.retire(w)

  /** The running core, once a start has completed. */
  def current: Option[CoreBridge] = bridge

  /** True when a start is under way or the core runs: a later start will join it. */
  def requested: Boolean = pending.get > 0 || bridge.isDefined

  private def release(lease: Lease): Unit = {
    val done = AgentThread.await(StopTimeoutMillis + 1000)(AgentWork.end(lease))
    if (!done) log.warn(s"sparkotel: the ${lease.role} stop did not finish within ${StopTimeoutMillis + 1000} ms; " +
      "Spark's shutdown goes on without waiting for it")
  }

  /** Runs f; any failure becomes one WARN line naming what failed. */
  def safely[T](what: String)(f: => T): Option[T] =
    try Some(f)
    catch { case e @ (NonFatal(_) | _: LinkageError) => failed(what, e); None }

  /** The one WARN line for a failure of ours that Spark goes on without. */
  def failed(what: String, e: Throwable): Unit = e match {
    case _: LinkageError => log.warn(s"sparkotel: $what failed, sparkotel stays off: $e")
    case _ =>
      val why = (if (e.getMessage == null) e.toString else e.getMessage).stripPrefix("sparkotel ")
      log.warn(s"sparkotel: $what failed, Spark is unaffected: $why")
  }
}
