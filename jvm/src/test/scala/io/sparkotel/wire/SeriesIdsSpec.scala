package io.sparkotel.wire

import org.scalatest.funsuite.AnyFunSuite

import io.sparkotel.FakeBridge

class SeriesIdsSpec extends AnyFunSuite {
  test("a spec is defined once, however it is looked up, and again after its release") {
    val bridge = new FakeBridge
    val ids = new SeriesIds(bridge)
    val s = "jvm.class.count"
    val id = ids.spec(s)
    assert(ids.spec(s) == id && ids.spec(new String(s)) == id) // the same string, and an equal one
    assert(bridge.specs == Seq(s))
    ids.release(new String(s))
    assert(bridge.released == Seq(s))
    assert(ids.spec(s) != id, "a released spec must be defined anew, not served from the memo")
    assert(bridge.specs == Seq(s, s))
  }

  test("specs whose hashes collide keep their own ids") {
    val bridge = new FakeBridge
    val ids = new SeriesIds(bridge)
    val (a, b) = ("Aa", "BB") // equal String.hashCode
    assert(a.hashCode == b.hashCode)
    val (ia, ib) = (ids.spec(a), ids.spec(b))
    assert(ia != ib)
    for (_ <- 1 to 3) assert(ids.spec(a) == ia && ids.spec(b) == ib)
    assert(bridge.specs == Seq(a, b))
  }

  test("a refused spec is remembered as -1 and not asked for again") {
    val bridge = new FakeBridge
    bridge.refuse = _ => true
    val ids = new SeriesIds(bridge)
    assert(ids.spec("jvm.class.count") == -1 && ids.spec("jvm.class.count") == -1)
    assert(ids.refused == 1)
  }
}
