package tables

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// refBatch is a request's rows by table and date, as the exporter built them before it wrote
// columns directly: the obvious translation, that the column writer must match.
type refBatch struct {
	Gauge                parts[Gauge]
	Sum                  parts[Sum]
	Histogram            parts[Histogram]
	ExponentialHistogram parts[ExponentialHistogram]
	Summary              parts[Summary]
}

type parts[T any] map[int32][]T

func (p *parts[T]) add(r T, day int32) {
	if *p == nil {
		*p = parts[T]{}
	}
	(*p)[day] = append((*p)[day], r)
}

// attrMap renders attributes as strings; maps are shared by every row of a resource or scope.
func attrMap(a pcommon.Map) map[string]string {
	m := make(map[string]string, a.Len())
	for k, v := range a.All() {
		m[k] = v.AsString()
	}
	return m
}

// refConvert turns OTLP metrics into rows. Metrics of kind Empty are skipped.
func refConvert(md pmetric.Metrics) *refBatch {
	b := &refBatch{}
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		res := rm.Resource().Attributes()
		var base Common
		base.ResourceAttributes = attrMap(res)
		base.ResourceSchemaUrl = rm.SchemaUrl()
		base.ServiceName = base.ResourceAttributes["service.name"]
		base.SparkApplicationId = base.ResourceAttributes["spark.application.id"]
		base.SparkApplicationName = base.ResourceAttributes["spark.application.name"]
		base.SparkExecutorId = base.ResourceAttributes["spark.executor.id"]
		base.HostName = base.ResourceAttributes["host.name"]
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			sm := sms.At(j)
			sc := base
			sc.ScopeName = sm.Scope().Name()
			sc.ScopeVersion = sm.Scope().Version()
			sc.ScopeAttributes = attrMap(sm.Scope().Attributes())
			sc.ScopeDroppedAttrCount = int32(sm.Scope().DroppedAttributesCount())
			sc.ScopeSchemaUrl = sm.SchemaUrl()
			ms := sm.Metrics()
			for k := 0; k < ms.Len(); k++ {
				b.metric(ms.At(k), sc)
			}
		}
	}
	return b
}

// point fills the per-point columns of c.
func refPoint(c *Common, attrs pcommon.Map, start, t pcommon.Timestamp, flags pmetric.DataPointFlags) {
	c.Attributes = attrMap(attrs)
	c.JvmMemoryType = c.Attributes["jvm.memory.type"]
	c.JvmMemoryPoolName = c.Attributes["jvm.memory.pool.name"]
	c.SparkMemoryPool = c.Attributes["sparkotel.spark.memory.pool"]
	c.StartTimeUnix = int64(start) / 1000
	c.TimeUnix = int64(t) / 1000
	c.Flags = int32(flags)
}

func optFloat(has bool, v float64) *float64 {
	if !has {
		return nil
	}
	return &v
}

func (b *refBatch) metric(m pmetric.Metric, c Common) {
	c.MetricName, c.MetricDescription, c.MetricUnit = m.Name(), m.Description(), m.Unit()
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		ps := m.Gauge().DataPoints()
		for i := 0; i < ps.Len(); i++ {
			p := ps.At(i)
			r := Gauge{Common: c, Value: value(p)}
			refPoint(&r.Common, p.Attributes(), p.StartTimestamp(), p.Timestamp(), p.Flags())
			b.Gauge.add(r, day(r.TimeUnix))
		}
	case pmetric.MetricTypeSum:
		s := m.Sum()
		ps := s.DataPoints()
		for i := 0; i < ps.Len(); i++ {
			p := ps.At(i)
			r := Sum{Common: c, Value: value(p), AggregationTemporality: int32(s.AggregationTemporality()), IsMonotonic: s.IsMonotonic()}
			refPoint(&r.Common, p.Attributes(), p.StartTimestamp(), p.Timestamp(), p.Flags())
			b.Sum.add(r, day(r.TimeUnix))
		}
	case pmetric.MetricTypeHistogram:
		h := m.Histogram()
		ps := h.DataPoints()
		for i := 0; i < ps.Len(); i++ {
			p := ps.At(i)
			r := Histogram{Common: c, Count: int64(p.Count()), Sum: optFloat(p.HasSum(), p.Sum()),
				BucketCounts: int64s(p.BucketCounts().AsRaw()), ExplicitBounds: p.ExplicitBounds().AsRaw(),
				Min: optFloat(p.HasMin(), p.Min()), Max: optFloat(p.HasMax(), p.Max()),
				AggregationTemporality: int32(h.AggregationTemporality())}
			refPoint(&r.Common, p.Attributes(), p.StartTimestamp(), p.Timestamp(), p.Flags())
			b.Histogram.add(r, day(r.TimeUnix))
		}
	case pmetric.MetricTypeExponentialHistogram:
		h := m.ExponentialHistogram()
		ps := h.DataPoints()
		for i := 0; i < ps.Len(); i++ {
			p := ps.At(i)
			r := ExponentialHistogram{Common: c, Count: int64(p.Count()), Sum: optFloat(p.HasSum(), p.Sum()),
				Scale: p.Scale(), ZeroCount: int64(p.ZeroCount()),
				PositiveOffset: p.Positive().Offset(), PositiveBucketCounts: int64s(p.Positive().BucketCounts().AsRaw()),
				NegativeOffset: p.Negative().Offset(), NegativeBucketCounts: int64s(p.Negative().BucketCounts().AsRaw()),
				Min: optFloat(p.HasMin(), p.Min()), Max: optFloat(p.HasMax(), p.Max()),
				AggregationTemporality: int32(h.AggregationTemporality())}
			refPoint(&r.Common, p.Attributes(), p.StartTimestamp(), p.Timestamp(), p.Flags())
			b.ExponentialHistogram.add(r, day(r.TimeUnix))
		}
	case pmetric.MetricTypeSummary:
		ps := m.Summary().DataPoints()
		for i := 0; i < ps.Len(); i++ {
			p := ps.At(i)
			qs := make([]Quantile, p.QuantileValues().Len())
			for j := range qs {
				q := p.QuantileValues().At(j)
				qs[j] = Quantile{Quantile: q.Quantile(), Value: q.Value()}
			}
			r := Summary{Common: c, Count: int64(p.Count()), Sum: p.Sum(), ValueAtQuantiles: qs}
			refPoint(&r.Common, p.Attributes(), p.StartTimestamp(), p.Timestamp(), p.Flags())
			b.Summary.add(r, day(r.TimeUnix))
		}
	}
}

func int64s(u []uint64) []int64 {
	out := make([]int64, len(u))
	for i, v := range u {
		out[i] = int64(v)
	}
	return out
}
