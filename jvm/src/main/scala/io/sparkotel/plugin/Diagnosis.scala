package io.sparkotel.plugin

import scala.util.control.NonFatal

import org.apache.spark.SparkContext
import org.apache.spark.api.plugin.PluginContext
import org.slf4j.LoggerFactory

import io.sparkotel.agent.{Agent, AgentThread, Extensions}
import io.sparkotel.diagnosis.{Budget, DiagnosisReading, EvidenceSender, Forensics, LossWatcher}

/**
 * Wires the diagnosis into the plugin: on the driver a [[LossWatcher]] on Spark's listener
 * bus, its messages and its verdict counts; on executors an [[EvidenceSender]] after every
 * sample and the container budget in each. A failure here is one WARN line; the rest of
 * sparkotel runs on.
 */
private[plugin] object Diagnosis {
  final class Driver(val watcher: LossWatcher, val extension: Extensions.Extension, endHook: Thread) {
    /** The application's end: no more verdicts, and the JVM's hook is not needed any more. */
    def end(): Unit = {
      watcher.end()
      Extensions.remove(extension)
      try Runtime.getRuntime.removeShutdownHook(endHook) catch { case _: IllegalStateException => } // already shutting down
    }
  }
  final class Executor(val sender: EvidenceSender, val extension: Extensions.Extension)

  def driver(sc: SparkContext): Option[Driver] =
    try {
      val w = new LossWatcher(LoggerFactory.getLogger("io.sparkotel.Diagnosis"), (ms, f) => AgentThread.after(ms)(f()))
      sc.addSparkListener(w)
      val e = new Extensions.Extension(new DiagnosisReading(None, Some(w)), () => ())
      Extensions.add(e)
      forensics(sc.getConf.getAll.toSeq, "driver")
      // A JVM stopped by a signal (a Connect or Thrift server, spark-submit interrupted) ends
      // its executors from shutdown hooks, possibly before Spark posts the application's end:
      // those losses are the shutdown, not deaths to explain.
      val hook = new Thread(() => w.end(), "sparkotel-diagnosis-end")
      Runtime.getRuntime.addShutdownHook(hook)
      Some(new Driver(w, e, hook))
    } catch { case e @ (NonFatal(_) | _: LinkageError) => Agent.failed("driver diagnosis", e); None }

  def executor(ctx: PluginContext): Option[Executor] =
    try {
      val conf = ctx.conf()
      val budget = Budget.bytes(k => Option(conf.get(k, null)))
      val sender = new EvidenceSender(ctx.executorID(), m => ctx.send(m), budget, (on, why) => Agent.setNearLimit(on, why),
        () => Agent.effective.flatMap(_.values.get("nearlimit.headroom")).flatMap(v => scala.util.Try(v.toDouble).toOption)
          .getOrElse(0.0))
      val e = new Extensions.Extension(new DiagnosisReading(Some(budget), None, Some(sender)), () => sender.sendNow())
      Extensions.add(e)
      forensics(conf.getAll.toSeq, ctx.executorID())
      Some(new Executor(sender, e))
    } catch { case e @ (NonFatal(_) | _: LinkageError) => Agent.failed("executor diagnosis", e); None }

  /** Forensics before death, off unless its keys turn it on; it acts on the core's settings. */
  private def forensics(conf: Seq[(String, String)], executorId: String): Unit =
    try {
      val get = conf.toMap.get _
      // Where Spark itself writes: the cluster manager's directories (YARN, standalone, Kubernetes) win over spark.local.dir.
      val localDirs = (sys.env.get("LOCAL_DIRS") orElse sys.env.get("SPARK_LOCAL_DIRS") orElse get("spark.local.dir"))
        .toSeq.flatMap(_.split(',')).map(_.trim).filter(_.nonEmpty)
      val first = Forensics.install(Forensics.Context(get("spark.app.id").getOrElse("app"), executorId, localDirs,
        conf.filter(_._1.startsWith("spark.hadoop."))))
      // One per JVM, never removed: it does nothing until the keys turn it on, and a later
      // SparkContext in this JVM (tests, notebooks) finds it in place.
      if (first) Extensions.add(new Extensions.Extension(Forensics.reading,
        () => Forensics.afterSample(Agent.effective, (what, e) => Agent.failed(what, e))))
    } catch { case e @ (NonFatal(_) | _: LinkageError) => Agent.failed("forensics", e) }
}
