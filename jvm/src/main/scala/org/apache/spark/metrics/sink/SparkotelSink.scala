package org.apache.spark.metrics.sink

import java.util.Properties
import java.util.concurrent.ScheduledFuture

import scala.util.control.NonFatal

import com.codahale.metrics.MetricRegistry
import org.apache.spark.{SecurityManager, SparkEnv}

import io.sparkotel.agent.{Agent, AgentThread}
import io.sparkotel.sink.SinkCore
import io.sparkotel.wire.CoreBridge

/**
 * Spark metrics sink: `spark.metrics.conf.*.sink.otel.class=org.apache.spark.metrics.sink.SparkotelSink`.
 * Lives under org.apache.spark because Sink is private[spark]; the forwarding is SinkCore's.
 * Executors create sinks before fetching --jars, so the jar must also be on
 * spark.executor.extraClassPath for executor sinks (see README). Never throws.
 *
 * Every report runs on the agent's thread, Spark's own calls too, so Spark's threads do no
 * forwarding and the reports, the core's start and its stop happen in the order asked. The
 * sink holds the agent from its start: a plugin released before the sink's last report
 * (Spark shuts plugins down before it stops the metrics system) leaves the core running for it.
 */
class SparkotelSink(props: Properties, registry: MetricRegistry) extends Sink {
  // Spark 3.0/3.1 look up only this shape.
  def this(props: Properties, registry: MetricRegistry, securityMgr: SecurityManager) = this(props, registry)

  private val core = new SinkCore(props, registry, () => context())
  @volatile private var lease: Option[Agent.Lease] = None
  @volatile private var schedule: Option[ScheduledFuture[_]] = None
  private var asked = false // a start of the core was asked for on this sink's lease (under this lock)
  private var waited = 0 // reports that found no app id yet (agent thread)

  override def start(): Unit = try {
    lease = Some(Agent.hold("sink"))
    val millis = core.periodSeconds * 1000
    schedule = Some(AgentThread.every(millis, millis)(core.report()))
  } catch { case e @ (NonFatal(_) | _: LinkageError) => Agent.failed("sink start", e) }

  /** Spark's calls (when an executor or the context stops) are queued on the agent thread. */
  override def report(): Unit =
    try AgentThread.submit(new Runnable { def run(): Unit = core.report() })
    catch { case NonFatal(_) => }

  /**
   * The last report, queued behind the core's start when the sink asks for it only now: a job
   * shorter than the period has had no report yet. Its batch stays attached until the core
   * has made its final export. Waits, like the plugin, at most for that final export.
   */
  override def stop(): Unit = try {
    schedule.foreach(_.cancel(false))
    val env = SparkEnv.get
    if (env != null) ask(env, last = true)
    AgentThread.submit(new Runnable {
      def run(): Unit = {
        core.report()
        core.finish().foreach(Agent.detachAfterStop)
      }
    })
    lease.foreach(_.release())
  } catch { case e @ (NonFatal(_) | _: LinkageError) => Agent.failed("sink stop", e) }

  /** The core, once running; SparkEnv (our config and identity) is not ready when Spark builds sinks. */
  private def context(): Option[SinkCore.Context] = {
    val env = SparkEnv.get
    if (env == null) return None
    ask(env, last = false)
    Agent.current.map(b => ctx(env, b))
  }

  /**
   * Asks for the core on this sink's lease when no plugin has: once. On the driver Spark can
   * report before the app id is in SparkEnv's conf, and the plugin gets it in registerMetrics:
   * a sink without a plugin waits a few reports for it, unless this is the last.
   */
  private def ask(env: SparkEnv, last: Boolean): Unit = synchronized {
    if (!asked && lease.isDefined && !Agent.requested) {
      val conf = env.conf
      val execId = conf.get("spark.executor.id", "driver")
      val appId = conf.get("spark.app.id", "")
      waited += 1
      if (appId.nonEmpty || last || waited > MaxWaitsForAppId) {
        asked = true
        val identity = Seq("spark.app.id" -> appId, "spark.app.name" -> conf.get("spark.app.name", ""),
          "spark.executor.id" -> execId)
        Agent.start(conf.getAll.toSeq, if (execId == "driver") "driver" else "executor", identity, s"sink of $execId",
          held = lease)
      }
    }
  }

  private val MaxWaitsForAppId = 10

  private def ctx(env: SparkEnv, b: CoreBridge) = {
    val conf = env.conf
    SinkCore.Context(b, conf.getOption("spark.metrics.namespace").orElse(conf.getOption("spark.app.id")),
      conf.getOption("spark.executor.id"))
  }
}
