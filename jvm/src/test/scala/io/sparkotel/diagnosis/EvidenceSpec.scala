package io.sparkotel.diagnosis

import org.scalatest.funsuite.AnyFunSuite

class EvidenceSpec extends AnyFunSuite {
  private def at(id: String, t: Long) = { val v = Sample.empty; v(Sample.TimeMillis) = t; Sample(id, v, Array.empty) }

  test("keeps the last window's samples, at most maxSamples, and forgets removed executors") {
    val e = new Evidence(windowMillis = 10000, maxSamples = 5)
    (0 until 8).foreach(i => e.add(at("1", i * 1000L)))
    assert(e.of("1")._1.map(_.time) == Seq(3000L, 4000L, 5000L, 6000L, 7000L) && e.dropped.get == 3)
    e.add(at("1", 20000))
    assert(e.of("1")._1.map(_.time) == Seq(20000L))
    e.taskOom("1")
    assert(e.of("1")._2)
    e.forget("1")
    e.add(at("1", 21000))
    e.taskOom("1") // a late task end of a forgotten executor keeps nothing either
    assert(e.of("1")._1.isEmpty && e.executors == 0 && e.dropped.get == 4)
  }

  test("a sample survives the trip as a plugin message, and other messages are not ours") {
    val s = at("7", 5)
    val back = Sample.fromMessage(s.toMessage).get
    assert(back.executorId == "7" && back.time == 5)
    assert(Sample.fromMessage("hello").isEmpty && Sample.fromMessage(Array[AnyRef]("x")).isEmpty)
  }
}
