package io.sparkotel.agent

import java.util.concurrent.{CountDownLatch, TimeUnit}
import java.util.concurrent.atomic.AtomicInteger

import scala.concurrent.{Await, Future}
import scala.concurrent.ExecutionContext.Implicits.global
import scala.concurrent.duration._

import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.FakeBridge
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

  private def eventually(cond: => Boolean): Unit = {
    val deadline = 5.seconds.fromNow
    while (!cond) {
      if (deadline.isOverdue()) fail("condition not met within 5 s")
      Thread.sleep(20)
    }
  }
}
