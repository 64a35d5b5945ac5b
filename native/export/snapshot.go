package export

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/probe"
)

// snapshot produces the catalogue metrics each interval as ready data points, through an SDK
// Producer. Every value is already a reading of current state (a size, a cumulative count
// the kernel or the JVM keeps), so the SDK's per-observation aggregation would only add cost:
// about 2 µs a point, most of a cycle. Units, descriptions and kinds come from the catalogue;
// with delta temporality a counter's point is the change since the previous snapshot.
type snapshot struct {
	probes *probe.Set
	pushed Pushed
	counts *countingExporter
	scope  instrumentation.Scope
	start  time.Time
	delta  bool
	prev   map[seriesKey]float64 // delta only: last cumulative value per counter series
	last   time.Time
	rec    probe.Recorder
}

type seriesKey struct {
	m catalog.ID
	a attribute.Distinct
}

func newSnapshot(cfg Config, probes *probe.Set, pushed Pushed, counts *countingExporter) *snapshot {
	now := time.Now()
	return &snapshot{probes: probes, pushed: pushed, counts: counts, start: now, last: now,
		delta: cfg.Temporality == "delta", prev: map[seriesKey]float64{},
		scope: instrumentation.Scope{Name: catalogueScope, Version: cfg.Version}}
}

// catalogueScope names the instrumentation scope of the catalogue's metrics.
const catalogueScope = "github.com/sparkotel/sparkotel"

// points gathers one interval's values per catalogue metric.
type pointSet struct {
	ints   [len(catalog.Metrics)][]metricdata.DataPoint[int64]
	floats [len(catalog.Metrics)][]metricdata.DataPoint[float64]
}

func (s *snapshot) Produce(context.Context) ([]metricdata.ScopeMetrics, error) {
	now := time.Now()
	start := s.start
	if s.delta {
		start = s.last
	}
	var pts pointSet
	add := func(m catalog.ID, attrs attribute.Set, i int64, f float64) {
		e := catalog.Metrics[m]
		begin := s.start
		if e.Instrument == catalog.Counter && s.delta {
			begin = start
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
			pts.ints[m] = append(pts.ints[m], metricdata.DataPoint[int64]{Attributes: attrs, StartTime: begin, Time: now, Value: i})
		} else {
			pts.floats[m] = append(pts.floats[m], metricdata.DataPoint[float64]{Attributes: attrs, StartTime: begin, Time: now, Value: f})
		}
	}
	s.rec.Reset()
	s.probes.Collect(&s.rec)
	for _, p := range s.rec.Points {
		add(p.Metric, p.Attrs, p.Int, p.Float)
	}
	s.pushed.EachPushed(func(m catalog.ID, attrs attribute.Set, v float64) { add(m, attrs, int64(v), v) })
	add(catalog.ExportFailures, attribute.Set{}, s.counts.failures.Load(), 0)
	add(catalog.ExportDroppedPoints, attribute.Set{}, s.counts.dropped.Load(), 0)
	add(catalog.SeriesRefused, attribute.Set{}, s.pushed.Refused(), 0)
	s.last = now

	sm := metricdata.ScopeMetrics{Scope: s.scope}
	for i, e := range catalog.Metrics {
		var data metricdata.Aggregation
		switch {
		case len(pts.ints[i]) > 0:
			data = aggregate(e, pts.ints[i], s.delta)
		case len(pts.floats[i]) > 0:
			data = aggregate(e, pts.floats[i], s.delta)
		default:
			continue
		}
		sm.Metrics = append(sm.Metrics, metricdata.Metrics{Name: e.Name, Description: e.Description, Unit: e.Unit, Data: data})
	}
	return []metricdata.ScopeMetrics{sm}, nil
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
