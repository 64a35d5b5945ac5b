// Package otlpgen builds OTLP metrics shaped like sparkotel's: executors (resources) with
// JVM memory pools, Spark memory pools and process gauges, plus one series of every other
// point kind, so the tests and benchmarks feed the exporter what a Spark run sends. Every
// point is unique by (gen.id, service.instance.id, metric, attributes, time).
package otlpgen

import (
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Shape of one request.
type Shape struct {
	GenID     string // tells generators apart (resource attribute gen.id)
	Executors int    // resources
	Pools     int    // jvm.memory.used series per executor (half heap, half non_heap)
}

// Counts are points per table.
type Counts struct {
	Gauge, Sum, Histogram, ExponentialHistogram, Summary int
}

// Total is every point.
func (c Counts) Total() int {
	return c.Gauge + c.Sum + c.Histogram + c.ExponentialHistogram + c.Summary
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Gauge += o.Gauge
	c.Sum += o.Sum
	c.Histogram += o.Histogram
	c.ExponentialHistogram += o.ExponentialHistogram
	c.Summary += o.Summary
}

// Build returns one collection of every executor at time t, and its points per table.
func Build(s Shape, t time.Time) (pmetric.Metrics, Counts) {
	md := pmetric.NewMetrics()
	var c Counts
	ts := pcommon.NewTimestampFromTime(t)
	start := pcommon.NewTimestampFromTime(t.Add(-time.Hour))
	for e := 0; e < s.Executors; e++ {
		rm := md.ResourceMetrics().AppendEmpty()
		ra := rm.Resource().Attributes()
		ra.PutStr("service.name", "sparkotel")
		ra.PutStr("gen.id", s.GenID)
		ra.PutStr("service.instance.id", fmt.Sprintf("%s-exec-%d", s.GenID, e))
		ra.PutStr("spark.application.id", "app-20261201000000-0001")
		ra.PutStr("spark.application.name", "otlpgen")
		ra.PutStr("spark.executor.id", fmt.Sprint(e))
		ra.PutStr("host.name", fmt.Sprintf("worker-%d", e%4))
		sm := rm.ScopeMetrics().AppendEmpty()
		sm.Scope().SetName("io.sparkotel")
		sm.Scope().SetVersion("0.1.0")
		ms := sm.Metrics()

		g := ms.AppendEmpty()
		g.SetName("jvm.memory.used")
		g.SetUnit("By")
		g.SetDescription("Measure of memory used.")
		dps := g.SetEmptyGauge().DataPoints()
		for p := 0; p < s.Pools; p++ {
			dp := dps.AppendEmpty()
			dp.SetTimestamp(ts)
			dp.SetIntValue(int64(1 << 20 * (p + 1)))
			typ := "heap"
			if p%2 == 1 {
				typ = "non_heap"
			}
			dp.Attributes().PutStr("jvm.memory.type", typ)
			dp.Attributes().PutStr("jvm.memory.pool.name", fmt.Sprintf("pool-%d", p))
		}
		sp := ms.AppendEmpty()
		sp.SetName("sparkotel.spark.memory.used")
		sp.SetUnit("By")
		dps = sp.SetEmptyGauge().DataPoints()
		for _, pool := range []string{"execution", "storage"} {
			dp := dps.AppendEmpty()
			dp.SetTimestamp(ts)
			dp.SetDoubleValue(42.5)
			dp.Attributes().PutStr("sparkotel.spark.memory.pool", pool)
			dp.Attributes().PutStr("sparkotel.spark.memory.mode", "on_heap")
		}
		c.Gauge += s.Pools + 2

		sum := ms.AppendEmpty()
		sum.SetName("process.cpu.time")
		sum.SetUnit("s")
		sm2 := sum.SetEmptySum()
		sm2.SetIsMonotonic(true)
		sm2.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		for _, mode := range []string{"user", "system"} {
			dp := sm2.DataPoints().AppendEmpty()
			dp.SetStartTimestamp(start)
			dp.SetTimestamp(ts)
			dp.SetDoubleValue(1.5)
			dp.Attributes().PutStr("cpu.mode", mode)
		}
		c.Sum += 2

		h := ms.AppendEmpty()
		h.SetName("sparkotel.collection.duration")
		h.SetUnit("s")
		hh := h.SetEmptyHistogram()
		hh.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		hp := hh.DataPoints().AppendEmpty()
		hp.SetStartTimestamp(start)
		hp.SetTimestamp(ts)
		hp.SetCount(6)
		hp.SetSum(0.012)
		hp.SetMin(0.001)
		hp.SetMax(0.004)
		hp.ExplicitBounds().FromRaw([]float64{0.001, 0.002, 0.005})
		hp.BucketCounts().FromRaw([]uint64{1, 2, 3, 0})
		c.Histogram++

		x := ms.AppendEmpty()
		x.SetName("sparkotel.task.duration")
		x.SetUnit("s")
		xh := x.SetEmptyExponentialHistogram()
		xh.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		xp := xh.DataPoints().AppendEmpty()
		xp.SetStartTimestamp(start)
		xp.SetTimestamp(ts)
		xp.SetCount(5)
		xp.SetSum(12.5)
		xp.SetScale(2)
		xp.SetZeroCount(1)
		xp.Positive().SetOffset(3)
		xp.Positive().BucketCounts().FromRaw([]uint64{1, 2, 1})
		c.ExponentialHistogram++

		q := ms.AppendEmpty()
		q.SetName("sparkotel.gc.pause")
		q.SetUnit("s")
		qp := q.SetEmptySummary().DataPoints().AppendEmpty()
		qp.SetStartTimestamp(start)
		qp.SetTimestamp(ts)
		qp.SetCount(10)
		qp.SetSum(0.5)
		for _, qq := range []float64{0.5, 0.99} {
			v := qp.QuantileValues().AppendEmpty()
			v.SetQuantile(qq)
			v.SetValue(qq / 10)
		}
		c.Summary++
	}
	return md, c
}
