package io.sparkotel.agent

import java.nio.ByteBuffer
import java.util.concurrent.ConcurrentLinkedQueue

import scala.collection.JavaConverters._

import io.sparkotel.bridge.NativeCore
import io.sparkotel.wire.{CoreBridge, Effective}

/**
 * Run in a fresh JVM by IntervalAgreementSpec, on the built jar: starts the agent with the real
 * library and the sink keys given as arguments (key=value), then prints what Go says its
 * interval is ("GO interval.ms=N", from a second start, which joins the running core and returns
 * its settings) and the period at which the JVM's sampler actually pushed ("JVM period.ms=N",
 * the median of its first gaps). The agent's own start line ("sampling every N ms") goes to stderr.
 */
object IntervalProbe {
  def main(args: Array[String]): Unit = {
    val conf = (args.toSeq :+ "exporter=none").map { kv =>
      val Array(k, v) = kv.split("=", 2)
      s"spark.metrics.conf.*.sink.otel.$k" -> v
    }
    val pushes = new ConcurrentLinkedQueue[java.lang.Long]()
    val lease = Agent.start(conf, "driver", Seq("spark.app.id" -> "app-interval"), "probe",
      loader = Some(warn => CoreBridge.load(warn).map(real => new Timed(real, pushes))))
    await(10000)(Agent.current.isDefined)
    val go = Effective.parse(NativeCore.start(new Array[String](0)))
    NativeCore.stop(1000) // the join's own stop: the agent's start still holds the core
    println(s"GO attached=${go.attached} interval.ms=${go.intervalMillis}")
    println(s"AGENT FROM ${Agent.getClass.getProtectionDomain.getCodeSource.getLocation.getPath}")
    await(3 * go.intervalMillis + 5000)(pushes.size >= 3)
    val times = pushes.asScala.map(_.longValue).toSeq
    val gaps = times.zip(times.drop(1)).map { case (a, b) => (b - a) / 1000000L }.sorted
    println(s"JVM period.ms=${if (gaps.isEmpty) -1 else gaps(gaps.size / 2)} pushes=${times.size}")
    lease.release()
  }

  private def await(millis: Long)(cond: => Boolean): Unit = {
    val deadline = System.nanoTime() + millis * 1000000L
    while (!cond && System.nanoTime() < deadline) Thread.sleep(10)
  }

  /** The real core, with the time of every push recorded. */
  private final class Timed(real: CoreBridge, pushes: java.util.Queue[java.lang.Long]) extends CoreBridge {
    def version: String = real.version
    def start(config: Seq[(String, String)]): Effective = real.start(config)
    def defineSeries(spec: String): Int = real.defineSeries(spec)
    def releaseSeries(id: Int): Unit = real.releaseSeries(id)
    def attach(buffer: ByteBuffer): Int = real.attach(buffer)
    def detach(slot: Int): Unit = real.detach(slot)
    def push(slot: Int, length: Int): Unit = { pushes.add(System.nanoTime()); real.push(slot, length) }
    def drainLogs(): String = real.drainLogs()
    def flush(): Unit = real.flush()
    def stop(timeoutMillis: Long): Unit = real.stop(timeoutMillis)
  }
}
