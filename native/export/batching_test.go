package export

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/catalog"
)

// collections counts the collections that took the JVM's readings.
type collections struct {
	allPushed
	n *atomic.Int64
}

func (c collections) EachPushed(fn func(catalog.ID, attribute.Set, int, float64)) {
	c.n.Add(1)
	c.allPushed.EachPushed(fn)
}

// TestBatchingSendsEverySampleOverOTLP: sampling at 100 ms and exporting every 500 ms, the
// first export goes out at once, later ones carry several points per series with their own
// times, forwarded Spark metrics are sent once per export, and every collection's point
// reaches the receiver, the final one included.
func TestBatchingSendsEverySampleOverOTLP(t *testing.T) {
	rcv := startReceiver(t, 0)
	var n atomic.Int64
	p, err := Start(testConfig(t, map[string]string{"endpoint": rcv.addr, "export.interval": "500ms"}),
		collections{n: &n}, (&logSink{}).log, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three exports", func() bool { return len(rcv.requests()) >= 3 })
	if err := p.Shutdown(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	const series = "jvm.memory.used"
	var total int
	for i, req := range rcv.requests() {
		got := map[string][]uint64{} // metric name -> point times
		for _, sm := range req.ResourceMetrics[0].ScopeMetrics {
			for _, m := range sm.Metrics {
				for _, dp := range m.GetGauge().GetDataPoints() {
					got[m.Name] = append(got[m.Name], dp.TimeUnixNano)
				}
				for _, dp := range m.GetSum().GetDataPoints() {
					got[m.Name] = append(got[m.Name], dp.TimeUnixNano)
				}
			}
		}
		times := got[series]
		total += len(times)
		if i == 0 && len(times) != 1 {
			t.Errorf("the first export carries %d points of %s, want 1: it goes out at once", len(times), series)
		}
		if i == 1 && (len(times) < 3 || len(times) > 7) {
			t.Errorf("export 1 carries %d points of %s, want about 5 (500ms of 100ms samples)", len(times), series)
		}
		for j := 1; j < len(times); j++ {
			if i == len(rcv.requests())-1 && j == len(times)-1 {
				break // the final collection, taken at shutdown, may come right after a tick's
			}
			if gap := time.Duration(times[j] - times[j-1]); gap < 50*time.Millisecond {
				t.Errorf("export %d: points of %s %v apart, want one per 100ms sample", i, series, gap)
			}
		}
		if f := len(got["spark.executor.succeeded_tasks"]); f != 1 {
			t.Errorf("export %d carries %d points of a forwarded metric, want its latest only", i, f)
		}
	}
	if want := int(n.Load()); total != want {
		t.Errorf("%d points of %s received over %d collections: every sample must be sent once", total, series, want)
	}
}

// TestBatchingBoundsWhatWaits: a JVM with many series sends before the export interval
// rather than hold more than maxPendingPoints, and shutdown sends what waits.
func TestBatchingBoundsWhatWaits(t *testing.T) {
	rec := &recorder{}
	clock := time.Unix(0, 0)
	b := newBatching(rec, time.Second, time.Minute)
	b.now = func() time.Time { return clock }
	per := maxPendingPoints / 4
	for i := 0; i < 6; i++ {
		clock = clock.Add(time.Second)
		_ = b.Export(context.Background(), gaugeCollection(per))
	}
	// The 1st goes at once, 3 wait, the 5th reaches the bound: 4 go together; the 6th waits.
	if len(rec.sent) != 2 || rec.sent[0] != per || rec.sent[1] != 4*per {
		t.Fatalf("sends = %v, want [%d %d]", rec.sent, per, 4*per)
	}
	if err := b.Shutdown(context.Background()); err != nil || len(rec.sent) != 3 || rec.sent[2] != per {
		t.Fatalf("shutdown: err=%v sends=%v, want the waiting %d points sent", err, rec.sent, per)
	}
}

// TestBatchingKeepsWhatShutdownCancelled: a send whose context the reader's shutdown has
// already cancelled does not begin; its points go out with the final send rather than being
// lost uncounted.
func TestBatchingKeepsWhatShutdownCancelled(t *testing.T) {
	rec := &recorder{}
	b := newBatching(&countingExporter{Exporter: rec, log: (&logSink{}).log}, time.Second, time.Minute)
	_ = b.Export(context.Background(), gaugeCollection(3)) // the first goes at once
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_ = b.Export(context.Background(), gaugeCollection(2))
	if err := b.ForceFlush(cancelled); err == nil {
		t.Fatal("a cancelled send reported success")
	}
	_ = b.Export(context.Background(), gaugeCollection(1))
	if err := b.Shutdown(context.Background()); err != nil || len(rec.sent) != 2 || rec.sent[1] != 3 {
		t.Fatalf("err=%v sends=%v, want [3 3]: the cancelled send's 2 points and the final 1", err, rec.sent)
	}
}

// TestBatchingLetsASendUnderWayFinish: the reader's shutdown cancels its context while a
// send is under way. The collector may already have that request, so the send is let finish
// and its points are not sent again with the final collection.
func TestBatchingLetsASendUnderWayFinish(t *testing.T) {
	g := &gated{started: make(chan context.Context, 1), release: make(chan struct{})}
	b := newBatching(&countingExporter{Exporter: g, log: (&logSink{}).log}, time.Second, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Export(ctx, gaugeCollection(3)) }() // the first goes at once
	sendCtx := <-g.started
	cancel()
	if sendCtx.Err() != nil {
		t.Error("the shutdown cancelled a send under way")
	}
	close(g.release)
	if err := <-done; err != nil {
		t.Fatalf("the send under way failed: %v", err)
	}
	_ = b.Export(context.Background(), gaugeCollection(1))
	if err := b.Shutdown(context.Background()); err != nil || fmt.Sprint(g.sent) != "[3 1]" {
		t.Fatalf("err=%v sends=%v, want [3 1]: each point once", err, g.sent)
	}
}

// TestBatchingCopiesWhatItKeeps: our producer reuses its points' buffers from one
// collection to the next and batching reuses its own from one send to the next, so what
// waits must be a copy: each collection's values arrive as they were collected.
func TestBatchingCopiesWhatItKeeps(t *testing.T) {
	rec := &recorder{}
	clock := time.Unix(0, 0)
	b := newBatching(rec, time.Second, 3*time.Second)
	b.now = func() time.Time { return clock }
	coll := gaugeCollection(2) // one producer's buffer, as the snapshot's, rewritten every collection
	dps := coll.ScopeMetrics[0].Metrics[0].Data.(metricdata.Gauge[int64]).DataPoints
	for v := int64(1); v <= 7; v++ {
		dps[0].Value, dps[1].Value = v, 10*v
		clock = clock.Add(time.Second)
		_ = b.Export(context.Background(), coll)
	}
	_ = b.Shutdown(context.Background())
	want := "[[1 10] [2 20 3 30 4 40] [5 50 6 60 7 70]]"
	if got := fmt.Sprint(rec.values); got != want {
		t.Fatalf("sent %s, want %s", got, want)
	}
}

// TestAppendPointsMatchesByName: a metric that is absent from one collection or first seen
// in a later one (a stage's series appear when it runs) neither loses nor misfiles points.
func TestAppendPointsMatchesByName(t *testing.T) {
	gauge := func(name string, n int) metricdata.Metrics {
		return metricdata.Metrics{Name: name, Data: metricdata.Gauge[int64]{DataPoints: make([]metricdata.DataPoint[int64], n)}}
	}
	sum := func(name string, n int) metricdata.Metrics {
		return metricdata.Metrics{Name: name, Data: metricdata.Sum[float64]{DataPoints: make([]metricdata.DataPoint[float64], n)}}
	}
	kept := []metricdata.Metrics{gauge("a", 1), gauge("b", 1), gauge("c", 1), sum("s", 1)}
	kept = appendPoints(kept, []metricdata.Metrics{gauge("a", 1), gauge("x", 2), gauge("c", 3), sum("s", 1)})
	kept = appendPoints(kept, []metricdata.Metrics{gauge("c", 1), gauge("b", 1), sum("s", 2)})
	got := map[string]int{}
	for _, m := range kept {
		switch d := m.Data.(type) {
		case metricdata.Gauge[int64]:
			got[m.Name] = len(d.DataPoints)
		case metricdata.Sum[float64]:
			got[m.Name] = len(d.DataPoints)
		}
	}
	want := map[string]int{"a": 2, "b": 2, "c": 5, "x": 2, "s": 4}
	if len(kept) != 5 || len(got) != 5 {
		t.Fatalf("kept %d metrics %v, want a, b, c, s, x once each", len(kept), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d points, want %d", k, got[k], v)
		}
	}
}
