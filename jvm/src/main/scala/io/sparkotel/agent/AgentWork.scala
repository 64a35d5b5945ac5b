package io.sparkotel.agent

import io.sparkotel.config.SinkConfig
import io.sparkotel.readings.{JvmReading, SparkMemoryReading, TaskReading}
import io.sparkotel.wire.CoreBridge

/**
 * The agent's starts and stops, run on the agent thread only (so its state needs no lock),
 * and kept apart from [[Agent]] so that the classes they use are loaded there, not on the
 * Spark thread that asked.
 */
private[agent] object AgentWork {
  private var sampler: Option[Sampler] = None
  private var users = 0

  def begin(lease: Agent.Lease, sparkConf: Seq[(String, String)], instance: String, identity: Seq[(String, String)],
            asked: Long, loader: Option[(String => Unit) => Option[CoreBridge]]): Unit =
    if (Agent.bridge.isDefined) { users += 1; lease.holds = true }
    else loader.getOrElse(CoreBridge.load _)(msg => Agent.log.warn(msg)).foreach { b =>
      val conf = SinkConfig.resolve(sparkConf, instance)
      val kv = conf.keys.toSeq ++ Seq("config.lenient" -> "true", "config.prefix" -> conf.prefix) ++ identity
      val effective = b.start(kv)
      users += 1
      lease.holds = true
      Agent.bridge = Some(b)
      if (!effective.attached) {
        val s = new Sampler(b, effective.intervalMillis, Seq(new JvmReading, new SparkMemoryReading, new TaskReading), Agent.log)
        s.start()
        sampler = Some(s)
        Agent.log.info(s"sparkotel: native core ${b.version} started in the ${lease.role} (pid ${ProcessInfo.pid}) " +
          s"${(System.nanoTime() - asked) / 1000000} ms after it was asked for, off Spark's threads " +
          f"(the thread that asked spent ${lease.callerMillis}%.1f ms on it); " +
          s"sampling every ${effective.intervalMillis} ms; settings from ${conf.prefix}*")
      }
    }

  /** Releases lease's start; the last one stops the sampler, then the core with a bounded flush. */
  def end(lease: Agent.Lease): Unit =
    if (lease.holds && users > 0) {
      users -= 1
      if (users == 0) {
        sampler.foreach(s => Agent.safely("sampler stop")(s.stop(Agent.StopTimeoutMillis)))
        sampler = None
        Agent.bridge.foreach(b => Agent.safely("stop")(b.stop(Agent.StopTimeoutMillis)))
        Agent.bridge = None
      }
    }
}
