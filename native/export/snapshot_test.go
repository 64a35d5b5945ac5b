package export

import (
	"context"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/config"
	"github.com/sparkotel/sparkotel/native/probe"
)

// counterPush pushes one counter (completed tasks) with a value the test sets.
type counterPush struct{ v float64 }

func (c *counterPush) EachPushed(fn func(catalog.ID, attribute.Set, int, float64)) {
	fn(catalog.SparkTasksCompleted, attribute.NewSet(), 0, c.v)
	fn(catalog.JvmClassCount, attribute.NewSet(), 0, c.v) // an updowncounter: never delta
}
func (*counterPush) EachForwarded(func(string, string, attribute.Set, float64, int64)) {}
func (*counterPush) Refused() int64                                                    { return 0 }

func sumOf(t *testing.T, sms []metricdata.ScopeMetrics, name string) metricdata.Sum[int64] {
	t.Helper()
	for _, m := range sms[0].Metrics {
		if m.Name == name {
			return m.Data.(metricdata.Sum[int64])
		}
	}
	t.Fatalf("%s not produced", name)
	return metricdata.Sum[int64]{}
}

func TestDeltaTemporalityForCountersOnly(t *testing.T) {
	for _, tc := range []struct {
		temporality string
		second      int64
		want        metricdata.Temporality
	}{{"cumulative", 8, metricdata.CumulativeTemporality}, {"delta", 3, metricdata.DeltaTemporality}} {
		cfg, _, err := config.Parse(map[string]string{"temporality": tc.temporality, "probes": "self"}, probe.Names())
		if err != nil {
			t.Fatal(err)
		}
		probes, _ := probe.NewSet(probe.DefaultEnv(), cfg.Probes)
		push := &counterPush{v: 5}
		s := newSnapshot(cfg, probes, push, &countingExporter{})
		_, _ = s.Produce(context.Background())
		push.v = 8
		sms, _ := s.Produce(context.Background())
		c := sumOf(t, sms, "sparkotel.spark.tasks.completed")
		if c.Temporality != tc.want || c.DataPoints[0].Value != tc.second || !c.IsMonotonic {
			t.Errorf("%s: counter = %+v", tc.temporality, c)
		}
		if u := sumOf(t, sms, "jvm.class.count"); u.Temporality != metricdata.CumulativeTemporality || u.DataPoints[0].Value != 8 || u.IsMonotonic {
			t.Errorf("%s: updowncounter = %+v", tc.temporality, u)
		}
	}
}

type panickyPush struct{ counterPush }

func (*panickyPush) EachPushed(func(catalog.ID, attribute.Set, int, float64)) { panic("bad batch") }

// A panic in our producer, on the SDK's goroutine, becomes an error and one log line.
func TestProducerPanicIsContained(t *testing.T) {
	cfg, _, _ := config.Parse(map[string]string{"probes": "self"}, probe.Names())
	probes, _ := probe.NewSet(probe.DefaultEnv(), cfg.Probes)
	var logs logSink
	g := guarded{p: newSnapshot(cfg, probes, &panickyPush{}, &countingExporter{}), log: logs.log, mu: &sync.Mutex{}}
	if _, err := g.Produce(context.Background()); err == nil || len(logs.all()) != 1 {
		t.Fatalf("err=%v logs=%v", err, logs.all())
	}
}
