package export

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/config"
	"github.com/sparkotel/sparkotel/native/probe"
)

// snapshot produces the catalogue metrics each interval as ready data points, through an SDK
// Producer. Every value is already a reading of current state (a size, a cumulative count
// the kernel or the JVM keeps), so the SDK's per-observation aggregation would only add cost,
// most of a cycle's. Units, descriptions and kinds come from the catalogue;
// with delta temporality a counter's point is the change since the previous snapshot.
type snapshot struct {
	probes *probe.Set
	pushed Pushed
	counts *countingExporter
	scope  instrumentation.Scope
	start  time.Time
	delta  bool
	prev   map[seriesKey]float64             // delta only: last cumulative value per counter series
	prevH  map[seriesKey]cumulativeHistogram // delta only: the same per histogram series
	last   time.Time
	rec    probe.Recorder
	latest *latest

	// Reused by every collection, so that a warm one allocates almost nothing (the garbage
	// of each cycle is what the GC and the page faults after its scavenging cost): the
	// reader hands what Produce returns to the exporter, which copies it (the OTLP
	// transform; batching keeps copies) before the next collection begins.
	pts        pointSet
	metrics    []metricdata.Metrics
	out        [1]metricdata.ScopeMetrics
	now, begin time.Time // the collection in progress: its time, and its counters' start with delta
	addPushed  func(catalog.ID, attribute.Set, int, float64)
}

type seriesKey struct {
	m catalog.ID
	a attribute.Distinct
}

func newSnapshot(cfg config.Config, probes *probe.Set, pushed Pushed, counts *countingExporter) *snapshot {
	now := time.Now()
	s := &snapshot{probes: probes, pushed: pushed, counts: counts, start: now, last: now,
		delta: cfg.Temporality == "delta", prev: map[seriesKey]float64{}, prevH: map[seriesKey]cumulativeHistogram{},
		scope: instrumentation.Scope{Name: catalogueScope, Version: cfg.Version}, latest: newLatest()}
	s.addPushed = func(m catalog.ID, attrs attribute.Set, part int, v float64) {
		if catalog.Metrics[m].Instrument == catalog.Histogram {
			s.addHistogramPart(m, attrs, part, v)
		} else {
			s.add(m, attrs, int64(v), v)
		}
	}
	return s
}

// catalogueScope names the instrumentation scope of the catalogue's metrics.
const catalogueScope = "github.com/sparkotel/sparkotel"

// points gathers one interval's values per catalogue metric.
type pointSet struct {
	ints   [len(catalog.Metrics)][]metricdata.DataPoint[int64]
	floats [len(catalog.Metrics)][]metricdata.DataPoint[float64]
	hists  [len(catalog.Metrics)][]metricdata.HistogramDataPoint[float64]
}

// Produce returns this interval's points. They stay valid until the next call.
func (s *snapshot) Produce(context.Context) ([]metricdata.ScopeMetrics, error) {
	s.now = time.Now()
	s.begin = s.last
	for i := range s.pts.ints {
		s.pts.ints[i] = s.pts.ints[i][:0]
		s.pts.floats[i] = s.pts.floats[i][:0]
		s.pts.hists[i] = s.pts.hists[i][:0]
	}
	s.rec.Reset()
	s.probes.Collect(&s.rec)
	s.latest.update(s.rec.Points)
	for _, p := range s.rec.Points {
		s.add(p.Metric, p.Attrs, p.Int, p.Float)
	}
	s.pushed.EachPushed(s.addPushed)
	s.add(catalog.ExportFailures, attribute.Set{}, s.counts.failures.Load(), 0)
	s.add(catalog.ExportDroppedPoints, attribute.Set{}, s.counts.dropped.Load(), 0)
	s.add(catalog.SeriesRefused, attribute.Set{}, s.pushed.Refused(), 0)
	s.last = s.now

	s.metrics = s.metrics[:0]
	for i, e := range catalog.Metrics {
		var data metricdata.Aggregation
		switch {
		case len(s.pts.ints[i]) > 0:
			data = aggregate(e, s.pts.ints[i], s.delta)
		case len(s.pts.floats[i]) > 0:
			data = aggregate(e, s.pts.floats[i], s.delta)
		case len(s.pts.hists[i]) > 0:
			data = s.histogram(catalog.ID(i))
		default:
			continue
		}
		s.metrics = append(s.metrics, metricdata.Metrics{Name: e.Name, Description: e.Description, Unit: e.Unit, Data: data})
	}
	s.out[0] = metricdata.ScopeMetrics{Scope: s.scope, Metrics: s.metrics}
	return s.out[:], nil
}

// add records one value of metric m in the collection in progress.
func (s *snapshot) add(m catalog.ID, attrs attribute.Set, i int64, f float64) {
	e := catalog.Metrics[m]
	begin := s.start
	if e.Instrument == catalog.Counter && s.delta {
		begin = s.begin
		k := seriesKey{m, attrs.Equivalent()}
		cur := f
		if e.Value == catalog.Int {
			cur = float64(i)
		}
		d := cur - s.prev[k]
		s.prev[k] = cur
		i, f = int64(d), d
	}
	if e.Value == catalog.Int {
		s.pts.ints[m] = append(s.pts.ints[m], metricdata.DataPoint[int64]{Attributes: attrs, StartTime: begin, Time: s.now, Value: i})
	} else {
		s.pts.floats[m] = append(s.pts.floats[m], metricdata.DataPoint[float64]{Attributes: attrs, StartTime: begin, Time: s.now, Value: f})
	}
}

func aggregate[N int64 | float64](e catalog.Metric, dps []metricdata.DataPoint[N], delta bool) metricdata.Aggregation {
	if e.Instrument == catalog.Gauge {
		return metricdata.Gauge[N]{DataPoints: dps}
	}
	t := metricdata.CumulativeTemporality
	if delta && e.Instrument == catalog.Counter {
		t = metricdata.DeltaTemporality
	}
	return metricdata.Sum[N]{DataPoints: dps, Temporality: t, IsMonotonic: e.Instrument == catalog.Counter}
}
