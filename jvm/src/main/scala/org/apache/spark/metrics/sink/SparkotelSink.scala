package org.apache.spark.metrics.sink

import java.util.Properties
import java.util.concurrent.ScheduledFuture

import scala.util.control.NonFatal

import com.codahale.metrics.MetricRegistry
import org.apache.spark.{SecurityManager, SparkEnv}

import io.sparkotel.agent.{Agent, AgentThread}
import io.sparkotel.wire.CoreBridge
import io.sparkotel.sink.SinkCore

/**
 * Spark metrics sink: `spark.metrics.conf.*.sink.otel.class=org.apache.spark.metrics.sink.SparkotelSink`.
 * Lives under org.apache.spark because Sink is private[spark]; all logic is in SinkCore.
 * Executors create sinks before fetching --jars, so the jar must also be on
 * spark.executor.extraClassPath for executor sinks (see README). Never throws.
 */
class SparkotelSink(props: Properties, registry: MetricRegistry) extends Sink {
  // Spark 3.0/3.1 look up only this shape.
  def this(props: Properties, registry: MetricRegistry, securityMgr: SecurityManager) = this(props, registry)

  @volatile private var lease: Option[Agent.Lease] = None
  private val core = new SinkCore(props, registry, () => context())
  private var schedule: Option[ScheduledFuture[_]] = None

  /** The core, started on first use: SparkEnv (our config and identity) is not ready when Spark builds sinks. */
  private def context(): Option[SinkCore.Context] = {
    val env = SparkEnv.get
    if (env == null) return None
    if (lease.isEmpty) {
      val conf = env.conf
      val execId = conf.get("spark.executor.id", "driver")
      val appId = conf.get("spark.app.id", "")
      // On the driver, Spark can report before the app id reaches SparkEnv's conf (Spark 4
      // never puts it there): starting now would name no app. Leave the start to the plugin
      // (it gets the id in registerMetrics), and only a sink without a plugin starts after
      // waiting a few periods.
      waited += 1
      if (appId.isEmpty && !Agent.requested && waited <= MaxWaitsForAppId) return None
      val identity = Seq("spark.app.id" -> appId, "spark.app.name" -> conf.get("spark.app.name", ""),
        "spark.executor.id" -> execId)
      // One attempt (a failure was logged once by the agent). Starts the core, or joins the
      // plugin's (whose identity then stands); it runs from the next report on.
      lease = Some(Agent.start(conf.getAll.toSeq, if (execId == "driver") "driver" else "executor", identity,
        s"sink of $execId"))
    }
    Agent.current.map(b => ctx(env, b))
  }

  private var waited = 0
  private val MaxWaitsForAppId = 10

  private def ctx(env: SparkEnv, b: CoreBridge) = {
    val conf = env.conf
    SinkCore.Context(b, conf.getOption("spark.metrics.namespace").orElse(conf.getOption("spark.app.id")),
      conf.getOption("spark.executor.id"))
  }

  /** Reports on sparkotel's own thread: the sink adds no thread of its own. */
  override def start(): Unit =
    try schedule = Some(AgentThread.every(core.periodSeconds * 1000, core.periodSeconds * 1000)(core.report()))
    catch { case NonFatal(_) => }

  override def stop(): Unit = try {
    schedule.foreach(_.cancel(false))
    core.report() // the last values before the JVM goes
    core.close()
    lease.foreach(_.release())
  } catch { case NonFatal(_) => }

  override def report(): Unit = core.report()
}
