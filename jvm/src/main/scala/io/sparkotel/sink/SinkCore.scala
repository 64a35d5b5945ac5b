package io.sparkotel.sink

import java.util.Properties
import java.util.concurrent.TimeUnit

import scala.collection.JavaConverters._
import scala.collection.mutable
import scala.util.control.NonFatal

import com.codahale.metrics.{Metric, MetricRegistry, Sampling, Snapshot}
import org.slf4j.LoggerFactory

import io.sparkotel.core.{BatchWriter, Catalog, CoreBridge, SeriesIds, Spec}

/**
 * Forwards the whole Dropwizard registry Spark hands its sinks into the core, each report.
 * Gauges become gauges; counters cumulative sums; meters `.count` (monotonic) and
 * `.rate_1m`; histograms and timers `.count` plus `.min .max .mean .p50 .p75 .p95 .p99`
 * (timers in seconds). Series of metrics that leave the registry are released. Never throws.
 *
 * core: the bridge once sparkotel runs here, with the namespace and executor id to strip.
 */
final class SinkCore(props: Properties, registry: MetricRegistry, core: () => Option[SinkCore.Context]) {
  import SinkCore._

  private val log = LoggerFactory.getLogger("io.sparkotel.Agent")
  val periodSeconds: Long = SinkCore.period(props, msg => log.warn(msg))
  private var state: Option[(CoreBridge, SeriesIds, BatchWriter)] = None
  private val specs = mutable.HashMap.empty[String, String] // output name + kind -> spec
  private var live = Set.empty[String]
  private var skipped = 0L

  /** One forwarding pass; synchronized because Spark also calls report() on its own thread at stop. */
  def report(): Unit = synchronized {
    try {
      core().foreach { ctx =>
        if (state.isEmpty) state = Some((ctx.bridge, new SeriesIds(ctx.bridge), new BatchWriter(ctx.bridge, 1024)))
        val (_, ids, out) = state.get
        out.begin(System.currentTimeMillis() * 1000000L)
        val seen = mutable.HashSet.empty[String]
        def emit(name: String, kind: String, v: Double): Unit = {
          val spec = specs.getOrElseUpdate(name + "|" + kind, Spec.of(name, Seq("@kind"), Seq(kind)))
          val id = ids.spec(spec)
          if (id < 0) skipped += 1 else { out.add(id, v); seen += spec }
        }
        registry.getMetrics.asScala.foreach { case (raw, metric) =>
          if (!raw.contains(OwnSource)) forward(SparkNames.clean(raw, ctx.namespace, ctx.executorId), metric, emit)
        }
        (live -- seen).foreach(ids.release)
        live = seen.toSet
        out.add(ids(Catalog.JvmSinkSkipped), skipped.toDouble)
        out.push()
      }
    } catch {
      case e @ (NonFatal(_) | _: LinkageError) =>
        failures += 1
        if (failures == 1) log.warn(s"sparkotel: the sink could not forward Spark's metrics, the job is unaffected: $e")
        else log.debug(s"sparkotel sink: report failed again: $e")
    }
  }

  /** Reports that failed; the first one is logged as a WARN. */
  private var failures = 0L

  private def forward(name: String, metric: Metric, emit: (String, String, Double) => Unit): Unit = metric match {
    case g: com.codahale.metrics.Gauge[_] =>
      (try g.getValue catch { case NonFatal(_) => null }) match {
        case n: Number => emit(name, "gauge", n.doubleValue)
        case b: java.lang.Boolean => emit(name, "gauge", if (b) 1 else 0)
        case _ => skipped += 1
      }
    case c: com.codahale.metrics.Counter => emit(name, "sum", c.getCount.toDouble)
    case m: com.codahale.metrics.Meter =>
      emit(name + ".count", "counter", m.getCount.toDouble)
      emit(name + ".rate_1m", "gauge", m.getOneMinuteRate)
    case t: com.codahale.metrics.Timer =>
      emit(name + ".count", "counter", t.getCount.toDouble)
      snapshot(name, t, 1e-9, emit)
    case h: com.codahale.metrics.Histogram =>
      emit(name + ".count", "counter", h.getCount.toDouble)
      snapshot(name, h, 1.0, emit)
    case _ => skipped += 1
  }

  private def snapshot(name: String, s: Sampling, scale: Double, emit: (String, String, Double) => Unit): Unit = {
    val snap: Snapshot = s.getSnapshot
    emit(name + ".min", "gauge", snap.getMin * scale)
    emit(name + ".max", "gauge", snap.getMax * scale)
    emit(name + ".mean", "gauge", snap.getMean * scale)
    emit(name + ".p50", "gauge", snap.getMedian * scale)
    emit(name + ".p75", "gauge", snap.get75thPercentile * scale)
    emit(name + ".p95", "gauge", snap.get95thPercentile * scale)
    emit(name + ".p99", "gauge", snap.get99thPercentile * scale)
  }

  def close(): Unit = synchronized {
    state.foreach { case (_, _, out) => try out.close() catch { case NonFatal(_) => } }
    state = None
  }
}

object SinkCore {
  final case class Context(bridge: CoreBridge, namespace: Option[String], executorId: Option[String])

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
