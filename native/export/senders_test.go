package export

import (
	"context"

	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// recorder keeps what it exports, and fails as a cancelled send does when its context is.
type recorder struct {
	sdkmetric.Exporter
	sent   []int     // points per send
	values [][]int64 // per send, the int gauge points' values
}

func (r *recorder) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.sent = append(r.sent, countPoints(rm))
	var vs []int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if g, ok := m.Data.(metricdata.Gauge[int64]); ok {
				for _, dp := range g.DataPoints {
					vs = append(vs, dp.Value)
				}
			}
		}
	}
	r.values = append(r.values, vs)
	return nil
}
func (r *recorder) Shutdown(context.Context) error   { return nil }
func (r *recorder) ForceFlush(context.Context) error { return nil }

func gaugeCollection(points int) *metricdata.ResourceMetrics {
	dps := make([]metricdata.DataPoint[int64], points)
	return &metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{{
		Scope:   instrumentation.Scope{Name: catalogueScope},
		Metrics: []metricdata.Metrics{{Name: "m", Data: metricdata.Gauge[int64]{DataPoints: dps}}},
	}}}
}

// gated holds each send until released; like a gRPC call, it fails if its context ends first.
type gated struct {
	recorder
	started chan context.Context
	release chan struct{}
}

func (g *gated) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	g.started <- ctx
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-g.release:
	}
	return g.recorder.Export(ctx, rm)
}
