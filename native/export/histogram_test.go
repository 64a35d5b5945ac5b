package export

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/config"
	"github.com/sparkotel/sparkotel/native/probe"
)

// gcPush pushes jvm.gc.duration for two (collector, action) pairs, cumulative, as the JVM
// side does: part 0 the sum, then one count per bucket.
type gcPush struct{ minor, major []float64 } // sum, then buckets

var (
	minorGC = attribute.NewSet(attribute.String("jvm.gc.name", "G1 Young Generation"), attribute.String("jvm.gc.action", "end of minor GC"))
	majorGC = attribute.NewSet(attribute.String("jvm.gc.name", "G1 Old Generation"), attribute.String("jvm.gc.action", "end of major GC"))
)

func (g *gcPush) EachPushed(fn func(catalog.ID, attribute.Set, int, float64)) {
	for part := range g.minor { // interleaved: the parts of a series need not be adjacent
		fn(catalog.JvmGcDuration, minorGC, part, g.minor[part])
		fn(catalog.JvmGcDuration, majorGC, part, g.major[part])
	}
}
func (*gcPush) EachForwarded(func(string, string, attribute.Set, float64, int64)) {}
func (*gcPush) Refused() int64                                                    { return 0 }

func gcSnapshot(t *testing.T, temporality string, push *gcPush) *snapshot {
	t.Helper()
	cfg, _, err := config.Parse(map[string]string{"temporality": temporality, "probes": "self"}, probe.Names())
	if err != nil {
		t.Fatal(err)
	}
	probes, _ := probe.NewSet(probe.DefaultEnv(), cfg.Probes)
	return newSnapshot(cfg, probes, push, &countingExporter{})
}

func gcHistogram(t *testing.T, sms []metricdata.ScopeMetrics) metricdata.Histogram[float64] {
	t.Helper()
	for _, m := range sms[0].Metrics {
		if m.Name == "jvm.gc.duration" {
			if m.Unit != "s" {
				t.Errorf("unit %q", m.Unit)
			}
			return m.Data.(metricdata.Histogram[float64])
		}
	}
	t.Fatal("jvm.gc.duration not produced")
	return metricdata.Histogram[float64]{}
}

func point(h metricdata.Histogram[float64], attrs attribute.Set) metricdata.HistogramDataPoint[float64] {
	for _, dp := range h.DataPoints {
		if dp.Attributes.Equals(&attrs) {
			return dp
		}
	}
	return metricdata.HistogramDataPoint[float64]{}
}

func TestHistogramPointsCumulative(t *testing.T) {
	push := &gcPush{minor: []float64{0.5, 30, 4, 1, 0, 0}, major: []float64{2.5, 0, 0, 1, 1, 0}}
	s := gcSnapshot(t, "cumulative", push)
	h := gcHistogram(t, must(s.Produce(context.Background())))
	if h.Temporality != metricdata.CumulativeTemporality || len(h.DataPoints) != 2 {
		t.Fatalf("%+v", h)
	}
	minor := point(h, minorGC)
	if minor.Count != 35 || minor.Sum != 0.5 || !slices.Equal(minor.BucketCounts, []uint64{30, 4, 1, 0, 0}) ||
		!slices.Equal(minor.Bounds, []float64{0.01, 0.1, 1, 10}) || !minor.StartTime.Before(minor.Time) {
		t.Errorf("minor GC point %+v", minor)
	}
	if major := point(h, majorGC); major.Count != 2 || major.Sum != 2.5 {
		t.Errorf("major GC point %+v", major)
	}
	// The next collection's counts are fresh: the first collection's point, which the
	// batching may still hold, keeps its values.
	push.minor = []float64{0.6, 31, 4, 1, 0, 0}
	h2 := gcHistogram(t, must(s.Produce(context.Background())))
	if minor.BucketCounts[0] != 30 || point(h2, minorGC).Count != 36 {
		t.Errorf("first point now %v, second %+v", minor.BucketCounts, point(h2, minorGC))
	}
}

func TestHistogramPointsDelta(t *testing.T) {
	push := &gcPush{minor: []float64{0.5, 30, 4, 1, 0, 0}, major: []float64{2.5, 0, 0, 1, 1, 0}}
	s := gcSnapshot(t, "delta", push)
	first := point(gcHistogram(t, must(s.Produce(context.Background()))), minorGC)
	if first.Count != 35 {
		t.Fatalf("first delta is everything so far: %+v", first)
	}
	time.Sleep(time.Millisecond)
	push.minor = []float64{0.75, 32, 5, 1, 0, 0}
	h := gcHistogram(t, must(s.Produce(context.Background())))
	minor := point(h, minorGC)
	if h.Temporality != metricdata.DeltaTemporality || minor.Count != 3 || minor.Sum != 0.25 ||
		!slices.Equal(minor.BucketCounts, []uint64{2, 1, 0, 0, 0}) || !minor.StartTime.After(first.StartTime) {
		t.Errorf("delta point %+v", minor)
	}
	if major := point(h, majorGC); major.Count != 0 || major.Sum != 0 {
		t.Errorf("unchanged series: %+v", major)
	}
}

// The batching keeps several collections' histogram points and sends them all.
func TestBatchingKeepsHistogramPoints(t *testing.T) {
	push := &gcPush{minor: []float64{0.5, 1, 0, 0, 0, 0}, major: []float64{0, 0, 0, 0, 0, 0}}
	s := gcSnapshot(t, "cumulative", push)
	rec := &histRecorder{}
	b := newBatching(rec, time.Second, time.Hour)
	for i := range 3 {
		push.minor[1] = float64(i + 1)
		sms := must(s.Produce(context.Background()))
		_ = b.Export(context.Background(), &metricdata.ResourceMetrics{ScopeMetrics: sms})
	}
	_ = b.Shutdown(context.Background())
	counts := rec.counts
	if !slices.Equal(counts, []uint64{1, 2, 3}) {
		t.Fatalf("minor GC counts sent %v, want [1 2 3]", counts)
	}
}

// histRecorder notes the minor GC points' counts of each send (its buffers are reused after).
type histRecorder struct {
	recorder
	counts []uint64
}

func (r *histRecorder) Export(_ context.Context, rm *metricdata.ResourceMetrics) error {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok {
				for _, dp := range h.DataPoints {
					if dp.Attributes.Equals(&minorGC) {
						r.counts = append(r.counts, dp.Count)
					}
				}
			}
		}
	}
	return nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
