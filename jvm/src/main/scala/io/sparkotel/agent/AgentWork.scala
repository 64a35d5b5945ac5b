package io.sparkotel.agent

import io.sparkotel.config.SinkConfig
import io.sparkotel.readings.{JvmReading, SparkMemoryReading, TaskReading}
import io.sparkotel.wire.{BatchWriter, CoreBridge}

/**
 * The agent's starts and stops, run on the agent thread only (so its state needs no lock),
 * and kept apart from [[Agent]] so that the classes they use are loaded there, not on the
 * Spark thread that asked.
 */
private[agent] object AgentWork {
  private var sampler: Option[Sampler] = None
  private var users = 0 // leases that hold: the core stops when the last of them is released
  private var retired = List.empty[BatchWriter] // detached once the core has stopped

  def hold(lease: Agent.Lease): Unit = if (!lease.holds) { users += 1; lease.holds = true }

  /** Starts the core, or joins the running one. A start that comes after its lease's release
   * (a late report of the sink's) starts nothing: nobody would stop that core. */
  def begin(lease: Agent.Lease, role: String, sparkConf: Seq[(String, String)], instance: String,
            identity: Seq[(String, String)], asked: Long, loader: Option[(String => Unit) => Option[CoreBridge]]): Unit =
    if (lease.ended) ()
    else if (Agent.bridge.isDefined) hold(lease)
    else loader.getOrElse(CoreBridge.load _)(msg => Agent.log.warn(msg)).foreach { b =>
      val conf = SinkConfig.resolve(sparkConf, instance)
      val kv = conf.keys.toSeq ++ Seq("config.lenient" -> "true", "config.prefix" -> conf.prefix) ++ identity
      val effective = b.start(kv)
      Agent.effective = Some(effective)
      hold(lease)
      Agent.bridge = Some(b)
      if (!effective.attached) {
        val fast = effective.values.get("nearlimit.interval.ms").flatMap(v => scala.util.Try(v.toLong).toOption)
        val s = new Sampler(b, effective.intervalMillis, Seq(new JvmReading, new SparkMemoryReading, new TaskReading), Agent.log,
          fast.getOrElse(Sampler.FastMillis))
        s.start()
        sampler = Some(s)
        Agent.log.info(s"sparkotel: native core ${b.version} started in the $role (pid ${ProcessInfo.pid}) " +
          s"${(System.nanoTime() - asked) / 1000000} ms after it was asked for, off Spark's threads " +
          f"(the thread that asked spent ${lease.callerMillis}%.1f ms on it); " +
          s"sampling every ${effective.intervalMillis} ms; settings from ${conf.prefix}*")
      }
    }

  /** Detaches w after the core's final export, which reads its last batch; at once when no core runs. */
  def retire(w: BatchWriter): Unit =
    if (Agent.bridge.isDefined) retired ::= w
    else Agent.safely("detach")(w.close())

  /**
   * Releases lease's hold; the last one stops the sampler, then the core with a bounded final
   * export, and only then detaches the writers: detaching a writer drops its last batch, and
   * the final export must carry the sampler's and the sink's last readings.
   */
  def end(lease: Agent.Lease): Unit = {
    lease.ended = true
    if (lease.holds && users > 0) {
      lease.holds = false
      users -= 1
      if (users == 0) {
        sampler.foreach(s => Agent.safely("sampler stop")(s.stop(Agent.StopTimeoutMillis)).flatten.foreach(w => retired ::= w))
        sampler = None
        Agent.bridge.foreach(b => Agent.safely("stop")(b.stop(Agent.StopTimeoutMillis)))
        Agent.bridge = None
        retired.foreach(w => Agent.safely("detach")(w.close()))
        retired = Nil
      }
    }
  }
}
