package io.sparkotel.sink

import java.util.Properties
import java.util.concurrent.TimeUnit

import scala.collection.JavaConverters._
import scala.util.control.NonFatal

import com.codahale.metrics.{Metric, MetricRegistry, Sampling, Snapshot}
import org.slf4j.LoggerFactory

import io.sparkotel.wire.{BatchWriter, Catalog, CoreBridge, SeriesIds, Spec}

/**
 * Forwards the whole Dropwizard registry Spark hands its sinks into the core, each report.
 * Gauges become gauges; counters cumulative sums; meters `.count` (monotonic) and
 * `.rate_1m`; histograms and timers `.count` plus `.min .max .mean .p50 .p75 .p95 .p99`
 * (timers in seconds). Series of metrics that leave the registry are released. Never throws.
 * Owned by one thread: the sink runs every report on the agent's.
 *
 * core: the bridge once sparkotel runs here, with the namespace and executor id to strip.
 */
final class SinkCore(props: Properties, registry: MetricRegistry, core: () => Option[SinkCore.Context]) {
  import SinkCore._

  private val log = LoggerFactory.getLogger("io.sparkotel.Agent")
  val periodSeconds: Long = SinkCore.period(props, msg => log.warn(msg))
  private var state: Option[(CoreBridge, SeriesIds, BatchWriter)] = None
  // Per registry name, what it forwards, built when first seen: cleaning a name and building
  // its specs would be most of a report's cost, and the registry hands the same name strings
  // every report.
  private val known = new java.util.HashMap[String, Forwarded]()
  private var reports = 0L
  private var replaced = List.empty[Forwarded] // names re-registered as another metric this report
  private var skipped = 0L

  /** One forwarding pass; nothing once finished. */
  def report(): Unit =
    if (!finished) try {
      core().foreach { ctx =>
        if (state.isEmpty) state = Some((ctx.bridge, new SeriesIds(ctx.bridge), new BatchWriter(ctx.bridge, 1024)))
        val (_, ids, out) = state.get
        out.begin(System.currentTimeMillis() * 1000000L)
        reports += 1
        val it = registry.getMetrics.entrySet.iterator
        while (it.hasNext) {
          val e = it.next()
          val raw = e.getKey
          if (!raw.contains(OwnSource)) {
            val metric = e.getValue
            var f = known.get(raw)
            if (f == null || (f.kind ne metric.getClass)) {
              if (f != null) replaced ::= f
              f = new Forwarded(metric.getClass, specsOf(SparkNames.clean(raw, ctx.namespace, ctx.executorId), metric))
              known.put(raw, f)
            }
            f.seenIn = reports
            forward(f, metric, ids, out)
          }
        }
        releaseGone(ids)
        out.add(ids(Catalog.JvmSinkSkipped), skipped.toDouble)
        out.push()
      }
    } catch {
      case e @ (NonFatal(_) | _: LinkageError) =>
        failures += 1
        if (failures == 1) log.warn(s"sparkotel: the sink could not forward Spark's metrics, the job is unaffected: $e")
        else log.debug(s"sparkotel sink: report failed again: $e")
    }

  /** Reports that failed; the first one is logged as a WARN. */
  private var failures = 0L

  /** Releases the series of names that left the registry or were re-registered as another
   * metric, unless a name still forwards the same series (two registry names can clean to
   * one). Builds nothing unless some name left. */
  private def releaseGone(ids: SeriesIds): Unit = {
    var gone = replaced
    replaced = Nil
    val it = known.values.iterator
    while (it.hasNext) {
      val f = it.next()
      if (f.seenIn != reports) { gone ::= f; it.remove() }
    }
    if (gone.nonEmpty) {
      val kept = known.values.asScala.flatMap(_.specs).toSet
      gone.flatMap(_.specs).filterNot(kept).foreach(ids.release)
    }
  }

  private def forward(f: Forwarded, metric: Metric, ids: SeriesIds, out: BatchWriter): Unit = {
    def emit(i: Int, v: Double): Unit = {
      val id = ids.spec(f.specs(i))
      if (id < 0) skipped += 1 else out.add(id, v)
    }
    metric match {
      case g: com.codahale.metrics.Gauge[_] =>
        (try g.getValue catch { case NonFatal(_) => null }) match {
          case n: Number => emit(0, n.doubleValue)
          case b: java.lang.Boolean => emit(0, if (b) 1 else 0)
          case _ => skipped += 1
        }
      case c: com.codahale.metrics.Counter => emit(0, c.getCount.toDouble)
      case m: com.codahale.metrics.Meter =>
        emit(0, m.getCount.toDouble)
        emit(1, m.getOneMinuteRate)
      case t: com.codahale.metrics.Timer =>
        emit(0, t.getCount.toDouble)
        snapshot(t, 1e-9, emit)
      case h: com.codahale.metrics.Histogram =>
        emit(0, h.getCount.toDouble)
        snapshot(h, 1.0, emit)
      case _ => skipped += 1
    }
  }

  private def snapshot(s: Sampling, scale: Double, emit: (Int, Double) => Unit): Unit = {
    val snap: Snapshot = s.getSnapshot
    emit(1, snap.getMin * scale)
    emit(2, snap.getMax * scale)
    emit(3, snap.getMean * scale)
    emit(4, snap.getMedian * scale)
    emit(5, snap.get75thPercentile * scale)
    emit(6, snap.get95thPercentile * scale)
    emit(7, snap.get99thPercentile * scale)
  }

  private var finished = false

  /**
   * Ends forwarding and hands back the writer, still attached: its last batch must be in the
   * core's final export, so the caller detaches it once the core has stopped.
   */
  def finish(): Option[BatchWriter] = {
    finished = true
    val out = state.map(_._3)
    state = None
    out
  }
}

object SinkCore {
  final case class Context(bridge: CoreBridge, namespace: Option[String], executorId: Option[String])

  /** A registry name's forwarding: the metric class it was built for, its series specs in the
   * order SinkCore.forward emits them, and the report that last saw the name. */
  private final class Forwarded(val kind: Class[_], val specs: Array[String]) {
    var seenIn = 0L
  }

  /** Series of a metric named name, in the order forward emits them (the mapping is in the
   * class comment); other kinds of metric forward nothing. */
  private def specsOf(name: String, metric: Metric): Array[String] = {
    def spec(suffix: String, kind: String) = Spec.of(name + suffix, Seq("@kind"), Seq(kind))
    metric match {
      case _: com.codahale.metrics.Gauge[_] => Array(spec("", "gauge"))
      case _: com.codahale.metrics.Counter => Array(spec("", "sum"))
      case _: com.codahale.metrics.Meter => Array(spec(".count", "counter"), spec(".rate_1m", "gauge"))
      case _: com.codahale.metrics.Timer | _: com.codahale.metrics.Histogram =>
        spec(".count", "counter") +: SnapshotParts.map(spec(_, "gauge"))
      case _ => Array.empty
    }
  }

  private val SnapshotParts = Array(".min", ".max", ".mean", ".p50", ".p75", ".p95", ".p99")

  /** Our own headline source: already exported natively, so not forwarded twice. */
  val OwnSource = ".plugin.io.sparkotel."

  /** The forwarding period from Spark's period/unit sink keys; default 10 s, at least 1 s. */
  def period(props: Properties, warn: String => Unit): Long = {
    val unit = Option(props.getProperty("unit")).map(_.trim.toUpperCase) match {
      case None => TimeUnit.SECONDS
      case Some(u) =>
        try TimeUnit.valueOf(u)
        catch {
          case NonFatal(_) =>
            warn(s"sparkotel sink: unit=$u is not a TimeUnit; accepted: ${TimeUnit.values.mkString(", ")}; using SECONDS")
            TimeUnit.SECONDS
        }
    }
    val raw = Option(props.getProperty("period")).map(_.trim)
    val n = raw.map(p => try p.toLong catch { case NonFatal(_) => -1L }).getOrElse(10L)
    if (n <= 0) {
      warn(s"sparkotel sink: period=${raw.getOrElse("")} is not a positive whole number; using 10 seconds")
      10L
    } else math.max(1L, unit.toSeconds(n))
  }
}
