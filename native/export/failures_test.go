package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// stuckExporter fails every export: with ctx's error once ctx ends, else with a refusal.
type stuckExporter struct{ discard }

func (stuckExporter) Export(ctx context.Context, _ *metricdata.ResourceMetrics) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.New("connection refused")
}

// TestShutdownCancellationIsNotAnOutage: an export our own shutdown cancels is neither
// counted nor logged as a failure; a real failure still is, once.
func TestShutdownCancellationIsNotAnOutage(t *testing.T) {
	var logs logSink
	e := &countingExporter{Exporter: stuckExporter{}, target: "collector", log: logs.log}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.Export(ctx, &metricdata.ResourceMetrics{}); err == nil {
		t.Fatal("cancelled export reported success")
	}
	if e.failures.Load() != 0 || len(logs.all()) != 0 {
		t.Fatalf("cancelled export counted (%d failures) or logged: %v", e.failures.Load(), logs.all())
	}
	_ = e.Export(context.Background(), &metricdata.ResourceMetrics{})
	_ = e.Export(context.Background(), &metricdata.ResourceMetrics{})
	if e.failures.Load() != 2 || len(logs.all()) != 1 {
		t.Fatalf("refused exports: %d failures counted, %d lines logged; want 2 and 1", e.failures.Load(), len(logs.all()))
	}
}

// TestLateExportIsCounted: an export whose deadline passed before it began (a collection that
// outlasted the export timeout) is a failure like any other: its points are counted as lost,
// not excused as our shutdown's.
func TestLateExportIsCounted(t *testing.T) {
	var logs logSink
	e := &countingExporter{Exporter: stuckExporter{}, target: "collector", log: logs.log}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if err := e.Export(ctx, gaugeCollection(3)); err == nil || errors.Is(err, errNotSent) {
		t.Fatalf("late export: err=%v, want a failure", err)
	}
	if e.failures.Load() != 1 || e.dropped.Load() != 3 {
		t.Fatalf("late export: %d failures, %d points lost counted; want 1 and 3", e.failures.Load(), e.dropped.Load())
	}
}
