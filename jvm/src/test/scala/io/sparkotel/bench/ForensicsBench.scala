package io.sparkotel.bench

import java.lang.management.ManagementFactory

import scala.sys.process._

import io.sparkotel.diagnosis.{ClassHistogram, NativeMemory}

/**
 * What forensics cost when they act: a class histogram (a full GC, then a count of live
 * objects) with 50 and 300 MiB of small live objects on a 1 GiB heap, as wall time (the JVM is stopped for
 * it), median of 5; and one read and parse of Native Memory Tracking's summary, CPU of the
 * reading thread, median of 5 runs of 200. The measuring runs in a child JVM started with
 * -XX:NativeMemoryTracking=summary, which the other benchmarks' JVM must not pay for.
 * Prints "BENCH diagnosis.histogram_<N>mb <ns> 5" and "BENCH diagnosis.nmt_read <ns> 200".
 */
object ForensicsBench {
  private def median(xs: Seq[Long]): Long = xs.sorted.apply(xs.size / 2)

  private def child(): Unit = {
    val threads = ManagementFactory.getThreadMXBean
    var live: Array[Array[Long]] = null
    for (mib <- Seq(50, 300)) {
      live = null
      System.gc()
      // Small objects, as a real heap holds: 64 B each (a long[6]), held until the next size.
      live = Array.fill(mib * 16384)(new Array[Long](6))
      ClassHistogram.take() // warm: the MBean's first call loads its classes
      val walls = (1 to 5).map { _ => val t0 = System.nanoTime(); ClassHistogram.take(); System.nanoTime() - t0 }
      println(s"BENCH diagnosis.histogram_${mib}mb ${median(walls)} 5 (${live.length} live objects)")
    }
    live = null
    val text = NativeMemory.take()
    require(NativeMemory.parse(text).exists(_.nonEmpty), "NMT is not on in the child JVM")
    val runs = (1 to 5).map { _ =>
      val c0 = threads.getCurrentThreadCpuTime
      var i = 0
      while (i < 200) { NativeMemory.parse(NativeMemory.take()); i += 1 }
      (threads.getCurrentThreadCpuTime - c0) / 200
    }
    println(s"BENCH diagnosis.nmt_read ${median(runs)} 200")
  }

  def main(args: Array[String]): Unit =
    if (args.headOption.contains("child")) child()
    else {
      val java = s"${System.getProperty("java.home")}/bin/java"
      val cmd = Seq(java, "-Xmx1g", "-Xms1g", "-XX:NativeMemoryTracking=summary", "-cp",
        System.getProperty("java.class.path"), "io.sparkotel.bench.ForensicsBench", "child")
      val rc = cmd.!
      if (rc != 0) sys.error(s"the forensics bench's child JVM failed (exit $rc)")
    }
}
