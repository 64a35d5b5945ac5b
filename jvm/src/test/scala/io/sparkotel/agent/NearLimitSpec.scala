package io.sparkotel.agent

import org.scalatest.funsuite.AnyFunSuite
import org.slf4j.LoggerFactory

import io.sparkotel.FakeBridge
import io.sparkotel.diagnosis.{EvidenceSender, Headroom, Sample}
import io.sparkotel.readings.JvmReading

class NearLimitSpec extends AnyFunSuite {
  private val MiB = 1L << 20

  test("headroom is to the nearest of the cgroup limit, the container budget and the heap max after GC") {
    val v = Sample.empty
    v(Sample.CgroupLimit) = 1000 * MiB; v(Sample.CgroupUsage) = 950 * MiB
    v(Sample.Budget) = 2000 * MiB; v(Sample.Rss) = 1000 * MiB
    v(Sample.HeapMax) = 512 * MiB; v(Sample.HeapUsedAfterGc) = 256 * MiB
    val h = Headroom.of(Sample("1", v, Array.empty))
    assert(h.limit == "cgroup limit" && math.abs(h.share - 0.05) < 1e-9, h)
    assert(Headroom.of(Sample("1", Sample.empty, Array.empty)).share == 1.0)
  }

  test("near a limit the sampler samples at the fast period and has the core send each sample at once") {
    val bridge = new FakeBridge
    val s = new Sampler(bridge, 1000, Seq(new JvmReading), LoggerFactory.getLogger("test"), fastMillis = 50)
    var near = false
    val sender = new EvidenceSender("1", _ => (), 1L << 40, (on, why) => { near = on; Agent.setNearLimit(on, why) }, () => 0.10)
    try {
      assert(s.period == 1000)
      Agent.setNearLimit(true, "test")
      assert(s.period == 50)
      s.start()
      Thread.sleep(600)
      assert(bridge.pushes.size >= 5 && bridge.flushes >= 5, s"${bridge.pushes.size} samples, ${bridge.flushes} flushes in 600 ms")
      sender.sendNow() // a budget of a TiB: far from any limit, so back to the interval
      assert(!near && s.period == 1000)
    } finally { Agent.setNearLimit(false, "test"); s.stop(1000) }
  }
}
