package io.sparkotel.plugin

import scala.util.control.NonFatal

import org.apache.spark.SparkContext
import org.apache.spark.api.plugin.PluginContext
import org.slf4j.LoggerFactory

import io.sparkotel.agent.{Agent, AgentThread, Extensions}
import io.sparkotel.diagnosis.{Budget, DiagnosisReading, EvidenceSender, LossWatcher}

/**
 * Wires the diagnosis into the plugin: on the driver a [[LossWatcher]] on Spark's listener
 * bus, its messages and its verdict counts; on executors an [[EvidenceSender]] after every
 * sample and the container budget in each. A failure here is one WARN line; the rest of
 * sparkotel runs on.
 */
private[plugin] object Diagnosis {
  final class Driver(val watcher: LossWatcher, val extension: Extensions.Extension)
  final class Executor(val sender: EvidenceSender, val extension: Extensions.Extension)

  def driver(sc: SparkContext): Option[Driver] =
    try {
      val w = new LossWatcher(LoggerFactory.getLogger("io.sparkotel.Diagnosis"), (ms, f) => AgentThread.after(ms)(f()))
      sc.addSparkListener(w)
      val e = new Extensions.Extension(new DiagnosisReading(None, Some(w)), () => ())
      Extensions.add(e)
      Some(new Driver(w, e))
    } catch { case e @ (NonFatal(_) | _: LinkageError) => Agent.failed("driver diagnosis", e); None }

  def executor(ctx: PluginContext): Option[Executor] =
    try {
      val conf = ctx.conf()
      val budget = Budget.bytes(k => Option(conf.get(k, null)))
      val sender = new EvidenceSender(ctx.executorID(), m => ctx.send(m), budget)
      val e = new Extensions.Extension(new DiagnosisReading(Some(budget), None), () => sender.sendNow())
      Extensions.add(e)
      Some(new Executor(sender, e))
    } catch { case e @ (NonFatal(_) | _: LinkageError) => Agent.failed("executor diagnosis", e); None }
}
