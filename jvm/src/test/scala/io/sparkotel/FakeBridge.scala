package io.sparkotel

import java.nio.ByteBuffer

import scala.collection.mutable

import io.sparkotel.wire.{CoreBridge, Effective}

/**
 * Records what the JVM side sends the core: series specs, and each push decoded by spec (a
 * histogram's parts other than its sum, part 0, as "spec#part"). Like
 * the shim, it keeps each attached slot's latest batch until the slot is detached; a stop
 * records what the core's final export would read (finalExports).
 */
class FakeBridge extends CoreBridge {
  val specs = mutable.ArrayBuffer.empty[String]
  val released = mutable.ArrayBuffer.empty[String]
  val pushes = mutable.ArrayBuffer.empty[Map[String, Double]]
  private val buffers = mutable.HashMap.empty[Int, ByteBuffer]
  var refuse: String => Boolean = (_: String) => false
  var failPush = false
  var starts = 0

  def version = "fake"
  var intervalMillis = 1000L
  def start(config: Seq[(String, String)]): Effective = { starts += 1; Effective(starts > 1, intervalMillis, Map.empty) }
  def defineSeries(spec: String): Int = {
    if (refuse(spec)) throw new io.sparkotel.bridge.NativeException("limit reached")
    specs += spec
    specs.size - 1
  }
  def releaseSeries(id: Int): Unit = released += specs(id)
  private var slots = 0
  def attach(buffer: ByteBuffer): Int = { slots += 1; buffers(slots) = buffer; slots } // distinct from every live slot, as the shim's are
  def detach(slot: Int): Unit = { buffers.remove(slot); latest.remove(slot) }
  private val latest = mutable.HashMap.empty[Int, Map[String, Double]] // slot -> its mailbox
  def push(slot: Int, length: Int): Unit = {
    if (failPush) throw new io.sparkotel.bridge.NativeException("push failed")
    val b = buffers(slot)
    val n = b.getInt(8)
    assert(16 + n * 16 == length, s"length $length for $n entries")
    val batch = (0 until n).map { i =>
      val part = b.getInt(20 + i * 16)
      (specs(b.getInt(16 + i * 16)) + (if (part == 0) "" else s"#$part")) -> b.getDouble(24 + i * 16)
    }.toMap
    pushes += batch
    latest(slot) = batch
  }
  def drainLogs(): String = null
  @volatile var flushes = 0
  def flush(): Unit = flushes += 1
  @volatile var stops = 0
  val finalExports = mutable.ArrayBuffer.empty[Map[String, Double]]
  def stop(timeoutMillis: Long): Unit = { finalExports += latest.values.flatten.toMap; stops += 1 }

  def last: Map[String, Double] = pushes.last
  def attached: Int = buffers.size
}
