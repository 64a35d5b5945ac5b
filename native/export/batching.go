package export

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// batching sits between the SDK's reader, which collects every interval, and the exporter:
// it keeps the catalogue's points of each collection and sends them all every export
// interval, several points per series in one request: a large part of a cycle's cost is the
// send (the OTLP transform, protobuf, gRPC and the socket). Metrics forwarded from
// Spark's registry change only when the sink reports, so only their latest collection is
// sent. Sends stay on the reader's goroutine, as without batching.
type batching struct {
	sdkmetric.Exporter // the counting exporter: failures and lost points are counted per send
	every              time.Duration
	slack              time.Duration // half an interval: the reader's ticks jitter
	now                func() time.Time

	mu      sync.Mutex // the reader's Export and Shutdown/ForceFlush may come from two goroutines
	pending metricdata.ResourceMetrics
	points  int
	sent    time.Time // zero until the first send: that one goes out at once

	// What a send hands on: pending without the metrics that had no point this time. Like
	// the kept points' buffers, reused from send to send: the exporter copies before it returns.
	out        metricdata.ResourceMetrics
	outMetrics []metricdata.Metrics
}

// maxPendingPoints bounds what waits for the next send (about 100 bytes a point): once that
// many wait they are sent, before the export interval is up. A JVM with thousands of series
// sends more often rather than hold more.
const maxPendingPoints = 10000

func newBatching(next sdkmetric.Exporter, interval, every time.Duration) *batching {
	return &batching{Exporter: next, every: every, slack: interval / 2, now: time.Now}
}

// Export keeps rm's points and sends what is kept when the export interval is up. rm and
// the catalogue's points in it are reused after the call: those points are copied into
// buffers of our own, which are reused in turn after each send, so that in steady state
// keeping a collection allocates nothing. Other scopes' slices, fresh from their producer
// each collection, are kept as they are.
func (b *batching) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.keep(rm)
	now := b.now()
	if !b.sent.IsZero() && now.Sub(b.sent)+b.slack < b.every && b.points < maxPendingPoints {
		return nil
	}
	b.sent = now
	return b.send(ctx)
}

// ForceFlush and Shutdown send what is kept first: the final collection is part of it.
func (b *batching) ForceFlush(ctx context.Context) error {
	return b.sendThen(ctx, b.Exporter.ForceFlush)
}
func (b *batching) Shutdown(ctx context.Context) error { return b.sendThen(ctx, b.Exporter.Shutdown) }

func (b *batching) sendThen(ctx context.Context, next func(context.Context) error) error {
	b.mu.Lock()
	err := b.send(ctx)
	b.mu.Unlock()
	if nerr := next(ctx); err == nil {
		err = nerr
	}
	return err
}

// send hands what is kept to the exporter. A failed send is counted there and its points
// are not retried (the exporter already retried within the timeout). A send our own
// shutdown stopped before it began is not a failure: its points stay for the final send.
// One already under way is not cancelled (see uncancelled), so no point is sent twice.
func (b *batching) send(ctx context.Context) error {
	if b.points == 0 {
		return nil
	}
	b.out.Resource = b.pending.Resource
	b.out.ScopeMetrics = b.out.ScopeMetrics[:0]
	for _, sm := range b.pending.ScopeMetrics {
		if sm.Scope.Name == catalogueScope {
			b.outMetrics = b.outMetrics[:0]
			for _, m := range sm.Metrics {
				if metricPoints(m.Data) > 0 {
					b.outMetrics = append(b.outMetrics, m)
				}
			}
			sm.Metrics = b.outMetrics
		}
		b.out.ScopeMetrics = append(b.out.ScopeMetrics, sm)
	}
	err := b.Exporter.Export(ctx, &b.out)
	if errors.Is(err, errNotSent) {
		return err
	}
	b.clear()
	return err
}

// clear empties what was sent. The catalogue's metrics keep their point buffers for the next
// send, except those that had no point this time (a finished stage's, say): they leave, so
// what is kept stays bounded by what recent collections held. Other scopes leave: their next
// collection replaces them.
func (b *batching) clear() {
	scopes := b.pending.ScopeMetrics[:0]
	for _, sm := range b.pending.ScopeMetrics {
		if sm.Scope.Name != catalogueScope {
			continue
		}
		ms := sm.Metrics[:0]
		for _, m := range sm.Metrics {
			if metricPoints(m.Data) > 0 {
				ms = append(ms, metricdata.Metrics{Name: m.Name, Description: m.Description, Unit: m.Unit, Data: emptied(m.Data, true)})
			}
		}
		clear(sm.Metrics[len(ms):])
		sm.Metrics = ms
		scopes = append(scopes, sm)
	}
	clear(b.pending.ScopeMetrics[len(scopes):]) // no reference to a sent scope's points stays behind
	b.pending.ScopeMetrics = scopes
	b.points = 0
}

// keep merges rm into pending: the catalogue scope's points are appended per metric, in
// collection order; any other scope's latest collection replaces the one before.
func (b *batching) keep(rm *metricdata.ResourceMetrics) {
	b.pending.Resource = rm.Resource
	for _, sm := range rm.ScopeMetrics {
		i := slices.IndexFunc(b.pending.ScopeMetrics, func(p metricdata.ScopeMetrics) bool { return p.Scope == sm.Scope })
		n := scopePoints(sm)
		switch {
		case i < 0 && sm.Scope.Name == catalogueScope:
			b.pending.ScopeMetrics = append(b.pending.ScopeMetrics, metricdata.ScopeMetrics{Scope: sm.Scope, Metrics: appendPoints(nil, sm.Metrics)})
			b.points += n
		case i < 0:
			b.pending.ScopeMetrics = append(b.pending.ScopeMetrics, metricdata.ScopeMetrics{Scope: sm.Scope, Metrics: slices.Clone(sm.Metrics)})
			b.points += n
		case sm.Scope.Name != catalogueScope:
			b.points += n - scopePoints(b.pending.ScopeMetrics[i])
			b.pending.ScopeMetrics[i].Metrics = slices.Clone(sm.Metrics)
		default:
			b.pending.ScopeMetrics[i].Metrics = appendPoints(b.pending.ScopeMetrics[i].Metrics, sm.Metrics)
			b.points += n
		}
	}
}

// appendPoints copies each metric's points into the same metric in kept (by name; a metric
// first seen now is added, with points of its own). Each collection lists the metrics in
// catalogue order, so the next one in kept is tried first: no search per metric on every
// collection.
func appendPoints(kept, more []metricdata.Metrics) []metricdata.Metrics {
	next := 0
	for _, m := range more {
		i := next
		if i >= len(kept) || kept[i].Name != m.Name {
			i = slices.IndexFunc(kept, func(k metricdata.Metrics) bool { return k.Name == m.Name })
		}
		if i < 0 {
			kept = append(kept, metricdata.Metrics{Name: m.Name, Description: m.Description, Unit: m.Unit, Data: emptied(m.Data, false)})
			i = len(kept) - 1
		}
		next = i + 1
		if d, ok := merged[int64](kept[i].Data, m.Data); ok {
			kept[i].Data = d
		} else if d, ok := merged[float64](kept[i].Data, m.Data); ok {
			kept[i].Data = d
		} else if k, ok := kept[i].Data.(metricdata.Histogram[float64]); ok {
			if more, ok := m.Data.(metricdata.Histogram[float64]); ok {
				k.DataPoints = append(k.DataPoints, more.DataPoints...)
				kept[i].Data = k
			}
		}
	}
	return kept
}

// merged is kept with more's points appended, when kept holds points of type N.
func merged[N int64 | float64](kept, more metricdata.Aggregation) (metricdata.Aggregation, bool) {
	return withPoints(kept, func(dps []metricdata.DataPoint[N]) []metricdata.DataPoint[N] { return appendData(dps, more) })
}

// emptied is data without its points: keeping their buffer, ours to reuse, or with none
// when data's points are someone else's.
func emptied(data metricdata.Aggregation, keepBuffer bool) metricdata.Aggregation {
	if d, ok := withPoints(data, func(dps []metricdata.DataPoint[int64]) []metricdata.DataPoint[int64] { return cut(dps, keepBuffer) }); ok {
		return d
	}
	if d, ok := withPoints(data, func(dps []metricdata.DataPoint[float64]) []metricdata.DataPoint[float64] { return cut(dps, keepBuffer) }); ok {
		return d
	}
	if d, ok := data.(metricdata.Histogram[float64]); ok {
		d.DataPoints = cut(d.DataPoints, keepBuffer)
		return d
	}
	return data
}

// withPoints is data with its points replaced by f's result, when data holds points of type N.
func withPoints[N int64 | float64](data metricdata.Aggregation, f func([]metricdata.DataPoint[N]) []metricdata.DataPoint[N]) (metricdata.Aggregation, bool) {
	switch d := data.(type) {
	case metricdata.Gauge[N]:
		d.DataPoints = f(d.DataPoints)
		return d, true
	case metricdata.Sum[N]:
		d.DataPoints = f(d.DataPoints)
		return d, true
	}
	return data, false
}

func cut[P any](dps []P, keepBuffer bool) []P {
	if keepBuffer {
		return dps[:0]
	}
	return nil
}

// appendData appends data's points when it holds the same kind of points as dst (the
// catalogue fixes each metric's kind, so it always does).
func appendData[N int64 | float64](dst []metricdata.DataPoint[N], data metricdata.Aggregation) []metricdata.DataPoint[N] {
	switch d := data.(type) {
	case metricdata.Gauge[N]:
		return append(dst, d.DataPoints...)
	case metricdata.Sum[N]:
		return append(dst, d.DataPoints...)
	}
	return dst
}
