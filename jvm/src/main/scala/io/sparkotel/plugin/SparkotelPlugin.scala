package io.sparkotel.plugin

import java.util.{Collections, Map => JMap}

import org.apache.spark.{ExceptionFailure, SparkContext, TaskContext, TaskFailedReason}
import org.apache.spark.api.plugin.{DriverPlugin, ExecutorPlugin, PluginContext, SparkPlugin}

import io.sparkotel.agent.{Agent, Extensions}
import io.sparkotel.diagnosis.LossWatcher
import io.sparkotel.readings.TaskActivity
import io.sparkotel.wire.Catalog

/**
 * Enable with `spark.plugins=io.sparkotel.plugin.SparkotelPlugin`. Starts the native core and
 * the sampler in the driver and in every executor, and feeds task activity; never throws
 * into Spark.
 */
class SparkotelPlugin extends SparkPlugin {
  override def driverPlugin(): DriverPlugin = new SparkotelDriverPlugin
  override def executorPlugin(): ExecutorPlugin = new SparkotelExecutorPlugin
}

private[plugin] object PluginConfig {
  def identity(ctx: PluginContext, appId: String): Seq[(String, String)] = Seq(
    "spark.app.id" -> appId,
    "spark.app.name" -> ctx.conf().get("spark.app.name", ""),
    "spark.executor.id" -> ctx.executorID(),
    "host.name" -> hostname(ctx))

  /** PluginContext.hostname() throws on executors (their RPC env has no server address):
   * then the core uses the OS host name. */
  def hostname(ctx: PluginContext): String =
    try { val h = ctx.hostname(); if (h == null) "" else h } catch { case scala.util.control.NonFatal(_) => "" }

  // What follows runs on Spark's thread during the plugin step: plain try/catch and no
  // closures, since each lambda's first use costs a cold bootstrap there.

  /** The catalogue's name for a task failure reason: Spark's class, else UnknownReason. */
  def failure(reason: TaskFailedReason): String = {
    val name = if (reason == null) "" else reason.getClass.getSimpleName.stripSuffix("$")
    if (Catalog.SparkTaskFailure.values.contains(name)) name else Catalog.SparkTaskFailure.UnknownReason
  }

  /** Registers the headline gauges; a failure is one WARN line. */
  def registerHeadline(ctx: PluginContext, role: String): Unit =
    try ctx.metricRegistry().registerAll(new HeadlineMetrics)
    catch { case e @ (scala.util.control.NonFatal(_) | _: LinkageError) => Agent.failed(s"$role metrics", e) }

  /** Returns at once: the agent loads and starts the core on its own thread. */
  def start(ctx: PluginContext, appId: String, instance: String, role: String, begunNanos: Long): Option[Agent.Lease] =
    try Some(Agent.start(ctx.conf().getAll.toSeq, instance, identity(ctx, appId), role, begunNanos = begunNanos))
    catch { case e @ (scala.util.control.NonFatal(_) | _: LinkageError) => Agent.failed(s"$role init", e); None }
}

/**
 * The driver starts the core in registerMetrics, the first point at which Spark knows the
 * application id (init runs before the task scheduler assigns it). It listens for lost
 * executors from init, and receives the executors' evidence.
 */
class SparkotelDriverPlugin extends DriverPlugin {
  private var lease: Option[Agent.Lease] = None
  private var diagnosis: Option[Diagnosis.Driver] = None

  override def init(sc: SparkContext, ctx: PluginContext): JMap[String, String] = {
    diagnosis = Diagnosis.driver(sc)
    Collections.emptyMap[String, String]()
  }

  override def receive(message: Any): AnyRef = {
    diagnosis.foreach(d => Agent.safely("evidence")(d.watcher.receive(message)))
    null
  }

  override def registerMetrics(appId: String, ctx: PluginContext): Unit = {
    val begun = System.nanoTime()
    PluginConfig.registerHeadline(ctx, "driver")
    lease = PluginConfig.start(ctx, appId, "driver", "driver", begun)
  }

  override def shutdown(): Unit = {
    diagnosis.foreach(_.end())
    lease.foreach(_.release())
  }
}

/**
 * Executors ask for the core in init, before their first task; init returns at once and the
 * core comes up on sparkotel's own thread a few hundred ms later. In local mode the executor
 * shares the driver's JVM and has no application id yet: the driver plugin starts the core
 * there, and this plugin only feeds task activity.
 */
class SparkotelExecutorPlugin extends ExecutorPlugin {
  private var lease: Option[Agent.Lease] = None
  private var diagnosis: Option[Diagnosis.Executor] = None

  override def init(ctx: PluginContext, extraConf: JMap[String, String]): Unit =
    if (ctx.executorID() != "driver") { // local mode: the driver plugin covers this JVM
      val begun = System.nanoTime()
      PluginConfig.registerHeadline(ctx, "executor")
      diagnosis = Diagnosis.executor(ctx)
      val appId = ctx.conf().get("spark.app.id", null)
      if (appId != null) lease = PluginConfig.start(ctx, appId, "executor", s"executor ${ctx.executorID()}", begun)
    }

  override def onTaskStart(): Unit = Agent.safely("task start") {
    val tc = TaskContext.get()
    if (tc != null) TaskActivity.started(TaskActivity.Stage(tc.stageId(), tc.stageAttemptNumber()))
  }

  override def onTaskSucceeded(): Unit = Agent.safely("task end")(TaskActivity.ended(None))

  override def onTaskFailed(reason: TaskFailedReason): Unit = Agent.safely("task end") {
    // The executor may exit right after an OutOfMemoryError: its evidence goes now, while the
    // failing task's stage still counts as running, so the verdict names it.
    reason match {
      case f: ExceptionFailure if LossWatcher.outOfMemory(f) => diagnosis.foreach(_.sender.lastWords())
      case _ =>
    }
    TaskActivity.ended(Some(PluginConfig.failure(reason)))
  }

  override def shutdown(): Unit = {
    diagnosis.foreach(d => Extensions.remove(d.extension))
    lease.foreach(_.release())
  }
}
