package io.sparkotel.diagnosis

import org.scalatest.funsuite.AnyFunSuite

class EvidenceSpec extends AnyFunSuite {
  private def at(id: String, t: Long) = { val v = Sample.empty; v(Sample.TimeMillis) = t; Sample(id, v, Array.empty) }

  test("keeps the last window's samples, at most maxRecent of the recent ones, and forgets removed executors") {
    val e = new Evidence(windowMillis = 10000, recentMillis = 10000, maxRecent = 5)
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

  test("samples older than the recent window are thinned to one a second, the one nearest a limit") {
    def heap(t: Long, used: Long) = {
      val v = Sample.empty; v(Sample.TimeMillis) = t; v(Sample.HeapUsed) = used; v(Sample.HeapMax) = 1000
      Sample(new String("9"), v, Array.empty) // a fresh id string, as each deserialized message has
    }
    val e = new Evidence(windowMillis = 60000, recentMillis = 2000, maxRecent = 100)
    // 10 s at 100 ms; in each second the heap peaks at its fifth sample.
    for (t <- 0L until 10000L by 100L) e.add(heap(t, if (t % 1000 == 400) 900 else 100 + t / 100))
    val (kept, _) = e.of("9")
    val (older, recent) = kept.partition(_.time < 10000 - 100 - 2000)
    assert(recent.map(_.time) == (7900L until 10000L by 100L), "the last 2 s as they came")
    assert(older.map(_.time) == (400L until 7000L by 1000L) :+ 7400L, "one a second, its peak")
    assert(older.forall(_(Sample.HeapUsed) == 900))
    assert(kept.map(_.executorId).distinct.size == 1 && kept.forall(_.executorId eq kept.head.executorId))
    // Older seconds age out of the window.
    e.add(heap(67000, 100))
    assert(e.of("9")._1.map(_.time) == Seq(7400L, 8400L, 9400L, 67000L))
  }

  test("a sample survives the trip as a plugin message, and other messages are not ours") {
    val s = at("7", 5)
    val back = Sample.fromMessage(s.toMessage).get
    assert(back.executorId == "7" && back.time == 5)
    assert(Sample.fromMessage("hello").isEmpty && Sample.fromMessage(Array[AnyRef]("x")).isEmpty)
  }
}
