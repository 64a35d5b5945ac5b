package io.sparkotel.readings

import java.lang.management.ManagementFactory

import scala.collection.JavaConverters._

import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.FakeBridge
import io.sparkotel.wire.{BatchWriter, SeriesIds}

class GcDurationsSpec extends AnyFunSuite {
  private val spec = "jvm.gc.duration\tjvm.gc.name=G1 Young Generation\tjvm.gc.action=end of minor GC"

  private def push(g: GcDurations): Map[String, Double] = {
    val bridge = new FakeBridge
    val out = new BatchWriter(bridge)
    out.begin(1L)
    g.read(new SeriesIds(bridge), out)
    out.push()
    bridge.last
  }

  test("each duration lands in its semantic-convention bucket, upper bounds inclusive; sum in seconds") {
    val g = new GcDurations
    Seq(0L, 10L, 11L, 100L, 101L, 10000L, 10001L).foreach(g.record("G1 Young Generation", "end of minor GC", _))
    val got = push(g)
    assert(got(spec) == 20.223) // part 0: the sum
    assert((1 to 5).map(b => got(s"$spec#$b")) == Seq(2.0, 2.0, 1.0, 1.0, 1.0)) // (..0.01] (..0.1] (..1] (..10] (10..)
    assert(!got.contains(s"$spec#6") && got("sparkotel.jvm.gc.duration.dropped") == 0)
  }

  test("at most MaxPairs (collector, action) pairs; notifications of later ones are counted as dropped") {
    val g = new GcDurations
    (0 to GcDurations.MaxPairs).foreach(i => g.record("G1 Young Generation", s"action $i", 5))
    g.record("G1 Young Generation", "action 0", 5)
    g.record(null, "end of minor GC", 5)
    assert(g.snapshot.size == GcDurations.MaxPairs && g.snapshot(("G1 Young Generation", "action 0"))._1 == 2)
    assert(g.droppedCount == 2)
    assert(push(g)("sparkotel.jvm.gc.duration.dropped") == 2)
  }

  test("pairs claimed from many threads at once are each counted once, none lost") {
    val g = new GcDurations
    val threads = (1 to 4).map(t => new Thread(() => (1 to 1000).foreach(i => g.record(s"gc ${i % 3}", s"action ${i % 2}", t))))
    threads.foreach(_.start()); threads.foreach(_.join())
    assert(g.snapshot.size == 6 && g.snapshot.values.map(_._1).sum == 4000 && g.droppedCount == 0)
  }

  test("a real System.gc() is heard from the JVM's notifications, under a collector's MXBean name; none after close") {
    val g = new GcDurations
    assert(g.start(), "no collector sends notifications")
    val collectors = ManagementFactory.getGarbageCollectorMXBeans.asScala.map(_.getName).toSet
    try {
      System.gc()
      val deadline = System.nanoTime() + 10000000000L // notifications come from another thread, a little later
      while (g.snapshot.isEmpty && System.nanoTime() < deadline) Thread.sleep(10)
      val seen = g.snapshot
      assert(seen.nonEmpty && seen.forall { case ((name, action), (count, _)) => collectors(name) && action.nonEmpty && count > 0 }, seen)
      val pushed = push(g)
      val (name, action) = seen.keys.head
      assert(pushed.contains(s"jvm.gc.duration\tjvm.gc.name=$name\tjvm.gc.action=$action"), pushed.keys)
    } finally g.close()
    val before = g.snapshot.values.map(_._1).sum
    System.gc()
    Thread.sleep(500)
    assert(g.snapshot.values.map(_._1).sum == before)
  }
}
