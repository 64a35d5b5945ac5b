package io.sparkotel.readings

import io.sparkotel.wire.{BatchWriter, SeriesIds}

/** One group of JVM-side readings, written into the sampler's batch each interval. */
trait Reading {
  /** The value of the sparkotel.reading attribute when this reading fails. */
  def name: String
  def read(ids: SeriesIds, out: BatchWriter): Unit
  /** Releases what the reading holds in the JVM (listeners); called once, on the agent thread. */
  def close(): Unit = ()
}
