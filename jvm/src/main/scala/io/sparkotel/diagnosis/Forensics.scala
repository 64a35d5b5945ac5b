package io.sparkotel.diagnosis

import java.io.File
import java.lang.management.ManagementFactory
import java.nio.file.{Files, Path, Paths}
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.atomic.AtomicBoolean
import javax.management.ObjectName

import scala.util.control.NonFatal

import org.slf4j.LoggerFactory

import io.sparkotel.readings.{Headline, Reading}
import io.sparkotel.wire.{BatchWriter, Catalog, Effective, SeriesIds, Spec}

/** The forensics keys as the native core settled them (docs/configuration.md); all off by default. */
final case class ForensicsSettings(histogram: Boolean, threshold: Double, histogramEveryMillis: Long, heapDumpUri: Option[String],
                                   nmtEveryMillis: Long = 0L) {
  def on: Boolean = histogram || heapDumpUri.isDefined
}

object ForensicsSettings {
  val Off = ForensicsSettings(histogram = false, 0.95, 60000L, None)

  def from(e: Effective): ForensicsSettings = {
    val v = e.values
    try ForensicsSettings(v.get("forensics.histogram").contains("true"),
      v.get("forensics.heap.threshold").map(_.toDouble).getOrElse(Off.threshold),
      v.get("forensics.histogram.interval.ms").map(_.toLong).getOrElse(Off.histogramEveryMillis),
      v.get("forensics.heapdump.uri").map(_.trim).filter(_.nonEmpty),
      v.get("forensics.nmt.interval.ms").map(_.toLong).getOrElse(0L))
    catch { case NonFatal(_) => Off } // a core that does not know the keys
  }
}

/**
 * Forensics before death (docs/diagnosis.md): when the heap used after GC reaches the
 * threshold of its maximum, a class histogram (top 20 classes by bytes, logged and exported,
 * at most once per forensics.histogram.interval) and, once per JVM, a heap dump copied to a
 * Hadoop FileSystem URI. One per JVM however many plugins install it (local mode has a driver
 * and an executor plugin), so the rate limits are per JVM. It also reads [[NativeMemory]]. The plugin adds [[reading]] and
 * [[afterSample]] to every sample: both run on sparkotel's thread, and so does everything here
 * but the copy, which has a thread of its own; any failure is one WARN line and turns that
 * part off.
 */
object Forensics {
  /** Where this JVM is: for the dump's name, its local directory and the Hadoop settings. */
  final case class Context(appId: String, executorId: String, localDirs: Seq[String], hadoop: Seq[(String, String)])

  val Top = 20
  private val log = LoggerFactory.getLogger("io.sparkotel.Forensics")
  private val installed = new AtomicBoolean
  @volatile private var context = Context("app", "driver", Nil, Nil)

  // Agent thread only.
  @volatile private[sparkotel] var lastHistogram: Vector[ClassHistogram.Entry] = Vector.empty // for tests and the reading
  @volatile private[sparkotel] var lastDump: Option[String] = None // where the last dump was copied (tests)
  private var histogramAt = 0L // nanoTime of the last histogram; 0 = never
  private var histogramOff, dumpTried = false
  private var shown = Map.empty[String, (String, String)] // class -> its two series specs
  private var shownIds: SeriesIds = _ // the sampler the specs were defined in
  private var shownTop = Vector.empty[ClassHistogram.Entry] // the histogram they were made for
  private var settingsOf: Option[Effective] = None
  private var settings = ForensicsSettings.Off

  /** Called by the plugin on Spark's thread: cheap, no MBeans, no I/O. True the first time in this JVM. */
  def install(ctx: Context): Boolean = {
    context = ctx
    installed.compareAndSet(false, true)
  }

  /** The last histogram's classes, each a gauge; a class that drops out of the top ends its series. */
  object reading extends Reading {
    val name: String = Catalog.SparkotelReading.Forensics

    def read(ids: SeriesIds, out: BatchWriter): Unit = {
      val top = lastHistogram
      if (!(ids eq shownIds)) { shown = Map.empty; shownIds = ids; shownTop = Vector.empty } // a new sampler: new series
      if (!(top eq shownTop)) {
        shownTop = top
        val keep = top.map(_.className).toSet
        shown.foreach { case (c, (b, n)) => if (!keep(c)) { ids.release(b); ids.release(n) } }
        shown = top.map(e => e.className -> shown.getOrElse(e.className, (
          Spec.of(Catalog.JvmHistogramBytes.name, Catalog.JvmHistogramBytes.attributes, Seq(e.className)),
          Spec.of(Catalog.JvmHistogramInstances.name, Catalog.JvmHistogramInstances.attributes, Seq(e.className))))).toMap
      }
      top.foreach { e =>
        val (b, n) = shown(e.className)
        out.add(ids.spec(b), e.bytes.toDouble)
        out.add(ids.spec(n), e.instances.toDouble)
      }
      NativeMemory.read(ids, out)
    }
  }

  /**
   * After each sample, with the settings the running core settled on: checks the heap against
   * the threshold (a few field reads when below). failed: the one WARN line for a failure.
   */
  def afterSample(effective: Option[Effective], failed: (String, Throwable) => Unit): Unit = {
    if (!(effective eq settingsOf)) {
      settingsOf = effective
      settings = effective.map(ForensicsSettings.from).getOrElse(ForensicsSettings.Off)
    }
    NativeMemory.check(settings.nmtEveryMillis, failed)
    check(settings, failed)
  }

  private[sparkotel] def check(s: ForensicsSettings, failed: (String, Throwable) => Unit): Unit = if (s.on) {
    val max = Headline.heapMax
    val afterGc = Headline.heapUsedAfterGc
    if (max > 0 && afterGc >= 0 && afterGc >= s.threshold * max) {
      val now = System.nanoTime()
      if (s.histogram && !histogramOff && (histogramAt == 0L || now - histogramAt >= s.histogramEveryMillis * 1000000L)) {
        histogramAt = now
        try histogram(afterGc, max)
        catch { case e @ (NonFatal(_) | _: LinkageError) => histogramOff = true; failed("class histogram", e) }
      }
      s.heapDumpUri.foreach { uri =>
        if (!dumpTried) {
          dumpTried = true
          try dump(uri, afterGc, max)
          catch { case e @ (NonFatal(_) | _: LinkageError) => failed("heap dump", e) }
        }
      }
    }
  }

  private def pct(used: Long, max: Long) = f"${100.0 * used / max}%.0f%% (${used >> 20} of ${max >> 20} MiB)"

  private def histogram(afterGc: Long, max: Long): Unit = {
    val t0 = System.nanoTime()
    val text = ClassHistogram.take()
    val ms = (System.nanoTime() - t0) / 1e6
    val top = ClassHistogram.parse(text, Top)
    lastHistogram = top
    log.warn(f"sparkotel: the heap was ${pct(afterGc, max)} full after GC; class histogram of live objects " +
      f"(a full GC, this JVM paused $ms%.0f ms), top ${top.size} classes by bytes:\n" + ClassHistogram.render(top))
  }

  private def dump(uri: String, afterGc: Long, max: Long): Unit = {
    val used = ManagementFactory.getMemoryMXBean.getHeapMemoryUsage.getUsed
    val ctx = context
    val dir = (ctx.localDirs :+ System.getProperty("java.io.tmpdir")).map(new File(_)).find(d => d.isDirectory && d.canWrite)
      .getOrElse(throw new IllegalStateException("no writable local directory (spark.local.dir, java.io.tmpdir)"))
    val free = dir.getUsableSpace
    if (free < 1.2 * used) {
      log.warn(s"sparkotel: heap dump refused: $dir has ${free >> 20} MiB free, less than 1.2 × the ${used >> 20} MiB heap in use")
      return
    }
    val tmp = privateDirectory(dir.toPath)
    // The plugins start before Spark names the application; by now SparkEnv knows it.
    val appId = try Option(org.apache.spark.SparkEnv.get).flatMap(_.conf.getOption("spark.app.id")).getOrElse(ctx.appId)
      catch { case NonFatal(_) | _: LinkageError => ctx.appId }
    val name = s"sparkotel-${safe(appId)}-${safe(ctx.executorId)}-${ProcessHandleCompat.pid}.hprof"
    val file = tmp.resolve(name)
    val t0 = System.nanoTime()
    try {
      // live=true: a full GC first, so the dump holds what the GC could not free. The whole dump is one safepoint.
      ManagementFactory.getPlatformMBeanServer.invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap",
        Array[AnyRef](file.toString, java.lang.Boolean.TRUE), Array(classOf[String].getName, "boolean"))
      try Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"))
      catch { case _: UnsupportedOperationException => }
    } catch { case e: Throwable => remove(file, tmp); throw e }
    val ms = (System.nanoTime() - t0) / 1000000
    log.warn(s"sparkotel: the heap was ${pct(afterGc, max)} full after GC; heap dump written to $file " +
      s"(${Files.size(file) >> 20} MiB, this JVM paused $ms ms); copying it to $uri")
    val copy = new Thread(new Runnable { def run(): Unit = copyOut(file, tmp, uri, ctx.hadoop) }, "sparkotel-heapdump-copy")
    copy.setDaemon(true)
    copy.start()
  }

  /** A fresh directory only we can enter, so the dump is never readable by others, even before its chmod. */
  private def privateDirectory(parent: Path): Path =
    try Files.createTempDirectory(parent, "sparkotel-heapdump-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
    catch { case _: UnsupportedOperationException => Files.createTempDirectory(parent, "sparkotel-heapdump-") }

  private def safe(s: String) = s.replaceAll("[^A-Za-z0-9._-]", "_")

  /** On the copy's own thread: the dump may be gigabytes and the target remote. The local file goes either way. */
  private def copyOut(file: Path, tmp: Path, uri: String, hadoop: Seq[(String, String)]): Unit = {
    val t0 = System.nanoTime()
    try {
      val dest = HadoopCopy.copy(file, uri, hadoop)
      lastDump = Some(dest)
      log.warn(s"sparkotel: heap dump copied to $dest in ${(System.nanoTime() - t0) / 1000000} ms; local file removed")
    } catch {
      case e @ (NonFatal(_) | _: LinkageError) =>
        log.warn(s"sparkotel: heap dump copy to $uri failed, the local dump is removed, Spark is unaffected: $e")
    } finally remove(file, tmp)
  }

  private def remove(file: Path, tmp: Path): Unit =
    try { Files.deleteIfExists(file); Files.deleteIfExists(tmp) } catch { case NonFatal(_) => }
}

/** The pid on Java 8 and later. */
private object ProcessHandleCompat {
  lazy val pid: String = ManagementFactory.getRuntimeMXBean.getName.takeWhile(_ != '@')
}
