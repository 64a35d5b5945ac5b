package export

import (
	"context"
	"sort"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// forwarded produces the metrics the sink forwards from Spark's own registry. Their names
// are only known at run time, so they bypass the SDK's instruments: a Producer hands them
// to the same reader as ready data points, stamped with the time the JVM read them. Sums
// are always cumulative (Spark's counters are).
type forwarded struct {
	pushed Pushed
	scope  instrumentation.Scope
	start  time.Time
}

func newForwarded(p Pushed, version string) *forwarded {
	return &forwarded{pushed: p, start: time.Now(),
		scope: instrumentation.Scope{Name: "github.com/sparkotel/sparkotel/spark", Version: version}}
}

func (f *forwarded) Produce(context.Context) ([]metricdata.ScopeMetrics, error) {
	byName := map[string]*metricdata.Metrics{}
	f.pushed.EachForwarded(func(name, kind string, attrs attribute.Set, v float64, ns int64) {
		m := byName[name]
		if m == nil {
			m = &metricdata.Metrics{Name: name}
			switch kind {
			case "gauge":
				m.Data = metricdata.Gauge[float64]{}
			default:
				m.Data = metricdata.Sum[float64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: kind == "counter"}
			}
			byName[name] = m
		}
		dp := metricdata.DataPoint[float64]{Attributes: attrs, StartTime: f.start, Time: time.Unix(0, ns), Value: v}
		switch d := m.Data.(type) {
		case metricdata.Gauge[float64]:
			d.DataPoints = append(d.DataPoints, dp)
			m.Data = d
		case metricdata.Sum[float64]:
			d.DataPoints = append(d.DataPoints, dp)
			m.Data = d
		}
	})
	if len(byName) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	sm := metricdata.ScopeMetrics{Scope: f.scope, Metrics: make([]metricdata.Metrics, 0, len(names))}
	for _, n := range names {
		sm.Metrics = append(sm.Metrics, *byName[n])
	}
	return []metricdata.ScopeMetrics{sm}, nil
}
