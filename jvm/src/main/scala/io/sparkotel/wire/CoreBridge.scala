package io.sparkotel.wire

import java.nio.ByteBuffer

import io.sparkotel.bridge.{NativeCore, NativeLoader}

/** What the JVM side needs of the native core; tests replace it with a fake. */
trait CoreBridge {
  def version: String
  /** Starts or joins the core; returns the effective settings it parsed (see [[Effective]]). */
  def start(config: Seq[(String, String)]): Effective
  def defineSeries(spec: String): Int
  def releaseSeries(id: Int): Unit
  def attach(buffer: ByteBuffer): Int
  def detach(slot: Int): Unit
  def push(slot: Int, length: Int): Unit
  /** Log lines the core queued ("LEVEL message", newline-separated), or null. */
  def drainLogs(): String
  /** Has the core collect and send now, without waiting for it. */
  def flush(): Unit
  def stop(timeoutMillis: Long): Unit
}

/** The real core, through JNI. Only usable after [[CoreBridge.load]] returned it. */
private[sparkotel] object NativeCoreBridge extends CoreBridge {
  def version: String = NativeCore.version()
  def start(config: Seq[(String, String)]): Effective =
    Effective.parse(NativeCore.start(config.flatMap { case (k, v) => Seq(k, v) }.toArray))
  def defineSeries(spec: String): Int = NativeCore.defineSeries(spec)
  def releaseSeries(id: Int): Unit = NativeCore.releaseSeries(id)
  def attach(buffer: ByteBuffer): Int = NativeCore.attach(buffer)
  def detach(slot: Int): Unit = NativeCore.detach(slot)
  def push(slot: Int, length: Int): Unit = NativeCore.push(slot, length)
  def drainLogs(): String = NativeCore.drainLogs()
  def flush(): Unit = NativeCore.flush()
  def stop(timeoutMillis: Long): Unit = NativeCore.stop(timeoutMillis)
}

object CoreBridge {
  /** The native core, or None (after one WARN through `warn`) when it cannot load here. */
  def load(warn: String => Unit): Option[CoreBridge] =
    if (NativeLoader.load(new java.util.function.Consumer[String] { def accept(s: String): Unit = warn(s) }))
      Some(NativeCoreBridge)
    else None
}
