package io.sparkotel.agent

import java.util.Properties
import java.util.concurrent.{CountDownLatch, TimeUnit}
import java.util.concurrent.atomic.AtomicInteger

import scala.concurrent.{Await, Future}
import scala.concurrent.ExecutionContext.Implicits.global
import scala.concurrent.duration._

import com.codahale.metrics.{Gauge, MetricRegistry}
import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.FakeBridge
import io.sparkotel.sink.SinkCore
import io.sparkotel.wire.CoreBridge

/** The agent's lifecycle with a fake core: starts off the caller's thread, joins, the last release stops. */
class AgentSpec extends AnyFunSuite {
  private val conf = Seq("spark.metrics.conf.*.sink.otel.exporter" -> "none")

  /** A loader that blocks until `gate` opens, as extracting the real library does for a while. */
  private def gated(bridge: FakeBridge, gate: CountDownLatch, loads: AtomicInteger): Option[(String => Unit) => Option[CoreBridge]] =
    Some(_ => { loads.incrementAndGet(); gate.await(10, TimeUnit.SECONDS); Some(bridge) })

  test("start returns while the library is still loading; the core runs once the load ends") {
    val bridge = new FakeBridge
    val gate = new CountDownLatch(1)
    val loads = new AtomicInteger
    // Were start synchronous it would block on the closed gate and this would time out.
    val lease = Await.result(Future(Agent.start(conf, "driver", Nil, "test", gated(bridge, gate, loads))), 5.seconds)
    assert(Agent.requested && Agent.current.isEmpty)
    gate.countDown()
    eventually(Agent.current.contains(bridge))
    eventually(bridge.pushes.nonEmpty) // the sampler runs on the agent thread
    lease.release()
    assert(bridge.stops == 1 && Agent.current.isEmpty && !Agent.requested)
  }

  test("a second start joins: one load, one core start, and only the last release stops it") {
    val bridge = new FakeBridge
    val loads = new AtomicInteger
    val open = new CountDownLatch(0)
    val a = Agent.start(conf, "driver", Nil, "plugin", gated(bridge, open, loads))
    val b = Agent.start(conf, "driver", Nil, "sink", gated(bridge, open, loads))
    eventually(Agent.current.isDefined)
    a.release()
    a.release() // a second release of the same start is ignored
    assert(bridge.stops == 0 && Agent.current.contains(bridge))
    b.release()
    assert(loads.get == 1 && bridge.starts == 1 && bridge.stops == 1 && Agent.current.isEmpty)
  }

  test("a release queued behind an unfinished start waits for it, then stops the core") {
    val bridge = new FakeBridge
    val gate = new CountDownLatch(1)
    val lease = Agent.start(conf, "executor", Nil, "test", gated(bridge, gate, new AtomicInteger))
    val released = Future(lease.release())
    Thread.sleep(200)
    assert(!released.isCompleted, "the release must wait for the start it follows")
    gate.countDown()
    Await.result(released, 5.seconds)
    assert(bridge.starts == 1 && bridge.stops == 1 && Agent.current.isEmpty)
  }

  test("when the library does not load, the release does nothing and sparkotel stays off") {
    val warned = new AtomicInteger
    val lease = Agent.start(conf, "executor", Nil, "test", Some(warn => { warn("no library"); warned.incrementAndGet(); None }))
    eventually(!Agent.requested)
    lease.release()
    assert(warned.get == 1 && Agent.current.isEmpty)
  }

  test("a hold keeps the core past another release; writers retired meanwhile are in the final export, then detached") {
    val bridge = new FakeBridge
    val plugin = Agent.start(conf, "driver", Nil, "plugin", gated(bridge, new CountDownLatch(0), new AtomicInteger))
    val sink = Agent.hold("sink")
    eventually(bridge.pushes.nonEmpty) // the sampler has pushed
    plugin.release() // as Spark shuts plugins down before it stops the sinks
    assert(bridge.stops == 0 && Agent.current.contains(bridge), "the sink's hold keeps the core")
    val registry = new MetricRegistry
    registry.register("app-1.driver.DAGScheduler.job.allJobs", new Gauge[Int] { def getValue: Int = 1 })
    val core = new SinkCore(new Properties, registry, () => Agent.current.map(b => SinkCore.Context(b, Some("app-1"), Some("driver"))))
    assert(AgentThread.await(5000) { core.report(); core.finish().foreach(Agent.detachAfterStop) })
    assert(bridge.attached == 2, "sampler and sink writers stay attached while the core runs")
    sink.release()
    assert(bridge.stops == 1 && Agent.current.isEmpty)
    val last = bridge.finalExports.last
    assert(last.get("spark.dagscheduler.job.all_jobs\t@kind=gauge").contains(1.0), last.keys)
    assert(last.keys.exists(_.startsWith("jvm.memory.used")), "the sampler's last batch too")
    assert(bridge.attached == 0, "detached once the core has stopped")
  }

  test("a start asked for after its lease's release starts nothing") {
    val loads = new AtomicInteger
    val lease = Agent.hold("sink")
    lease.release()
    Agent.start(conf, "driver", Nil, "sink", gated(new FakeBridge, new CountDownLatch(0), loads), held = Some(lease))
    eventually(!Agent.requested)
    assert(loads.get == 0 && Agent.current.isEmpty)
  }

  private def eventually(cond: => Boolean): Unit = {
    val deadline = 5.seconds.fromNow
    while (!cond) {
      if (deadline.isOverdue()) fail("condition not met within 5 s")
      Thread.sleep(20)
    }
  }
}
