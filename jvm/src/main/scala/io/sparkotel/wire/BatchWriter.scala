package io.sparkotel.wire

import java.nio.{ByteBuffer, ByteOrder}

import io.sparkotel.bridge.NativeCore

/**
 * Writes one pusher's batches (layout: bridge/sparkotel.h) into a direct buffer that the
 * core knows by slot, so a push crosses JNI with two ints and Go copies straight from it.
 * Owned by one thread. Grows (re-attaching a bigger buffer) when a batch outgrows it.
 *
 * Entries are staged in a long array (per entry: the id with its part word, then the
 * value's bits) and copied into the buffer in one bulk put at push: at one sample a second
 * this code runs interpreted, where each ByteBuffer.putX is a dozen calls deep and an array
 * store is one bytecode.
 */
final class BatchWriter(bridge: CoreBridge, initialEntries: Int = 256) {
  import NativeCore.{BATCH_ENTRY_BYTES => Entry, BATCH_HEADER_BYTES => Header}

  private var entries = new Array[Long](2 * initialEntries)
  private var buf = allocate(initialEntries)
  private var words = buf.asLongBuffer()
  private var slot = bridge.attach(buf)
  private var count = 0
  private var timestamp = 0L

  private def allocate(n: Int) =
    ByteBuffer.allocateDirect(Header + n * Entry).order(ByteOrder.nativeOrder())

  def begin(epochNanos: Long): Unit = {
    count = 0
    timestamp = epochNanos
  }

  def add(seriesId: Int, value: Double): Unit = add(seriesId, 0, value)

  /** One part of a histogram series' value (sparkotel.h): 0 its sum, 1 + i its bucket i's count. */
  def add(seriesId: Int, part: Int, value: Double): Unit = if (seriesId >= 0) {
    if (2 * count + 2 > entries.length) entries = java.util.Arrays.copyOf(entries, entries.length * 2)
    entries(2 * count) = BatchWriter.idWord(seriesId, part)
    entries(2 * count + 1) = java.lang.Double.doubleToRawLongBits(value)
    count += 1
  }

  def size: Int = count

  /** Hands the batch to the core (which copies it). */
  def push(): Unit = {
    if (Header + count * Entry > buf.capacity()) grow()
    buf.putLong(0, timestamp).putInt(8, count).putInt(12, 0)
    words.clear()
    words.position(Header / 8)
    words.put(entries, 0, 2 * count)
    bridge.push(slot, Header + count * Entry)
  }

  def close(): Unit = bridge.detach(slot)

  private def grow(): Unit = {
    val bigger = allocate(math.max(count, (buf.capacity() - Header) / Entry * 2))
    val newSlot = bridge.attach(bigger) // attach first: if it fails we keep the old buffer
    bridge.detach(slot)
    buf = bigger
    words = bigger.asLongBuffer()
    slot = newSlot
  }
}

object BatchWriter {
  private val littleEndian = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN

  /** An entry's first eight bytes as one long in native order: the int32 id, then the int32 part. */
  private def idWord(id: Int, part: Int): Long =
    if (littleEndian) (id & 0xffffffffL) | (part.toLong << 32) else (id.toLong << 32) | (part & 0xffffffffL)
}
