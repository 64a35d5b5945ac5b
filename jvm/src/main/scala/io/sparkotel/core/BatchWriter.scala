package io.sparkotel.core

import java.nio.{ByteBuffer, ByteOrder}

import io.sparkotel.bridge.NativeCore

/**
 * Writes one pusher's batches (layout: bridge/sparkotel.h) into a direct buffer that the
 * core knows by slot, so a push crosses JNI with two ints and Go copies straight from it.
 * Owned by one thread. Grows (re-attaching a bigger buffer) when a batch outgrows it.
 */
final class BatchWriter(bridge: CoreBridge, initialEntries: Int = 256) {
  import NativeCore.{BATCH_ENTRY_BYTES => Entry, BATCH_HEADER_BYTES => Header}

  private var buf = allocate(initialEntries)
  private var slot = bridge.attach(buf)
  private var count = 0

  private def allocate(entries: Int) =
    ByteBuffer.allocateDirect(Header + entries * Entry).order(ByteOrder.nativeOrder())

  def begin(epochNanos: Long): Unit = {
    count = 0
    buf.putLong(0, epochNanos)
  }

  def add(seriesId: Int, value: Double): Unit = if (seriesId >= 0) {
    val off = Header + count * Entry
    if (off + Entry > buf.capacity()) grow()
    buf.putInt(off, seriesId).putInt(off + 4, 0).putDouble(off + 8, value)
    count += 1
  }

  def size: Int = count

  /** Hands the batch to the core (which copies it). */
  def push(): Unit = {
    buf.putInt(8, count).putInt(12, 0)
    bridge.push(slot, Header + count * Entry)
  }

  def close(): Unit = bridge.detach(slot)

  private def grow(): Unit = {
    val bigger = allocate((buf.capacity() - Header) / Entry * 2)
    val old = buf.duplicate()
    old.position(0).limit(Header + count * Entry)
    bigger.put(old)
    val newSlot = bridge.attach(bigger) // attach first: if it fails we keep the old buffer
    bridge.detach(slot)
    buf = bigger
    slot = newSlot
  }
}
