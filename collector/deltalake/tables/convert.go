package tables

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// resource is what a resource gives each of its rows, rendered once.
type resource struct {
	seq                            int // tells resources apart in the statistics
	attrs                          attrs
	schemaURL                      string
	service, app, name, exec, host string
}

// scope is what a scope gives each of its rows, rendered once.
type scope struct {
	attrs                    attrs
	name, version, schemaURL string
	dropped                  int32
}

// point holds one data point's Common columns; it is reused from point to point.
type point struct {
	metric, description, unit string
	attrs                     attrs
	memType, memPool, spark   string
	start, time               int64
	flags                     int32
}

func (r *resource) set(rm pmetric.ResourceMetrics) {
	r.seq++
	r.service, r.app, r.name, r.exec, r.host = "", "", "", "", ""
	r.schemaURL = rm.SchemaUrl()
	r.attrs.set(rm.Resource().Attributes(), func(k, v string) {
		switch k {
		case "service.name":
			r.service = v
		case "spark.application.id":
			r.app = v
		case "spark.application.name":
			r.name = v
		case "spark.executor.id":
			r.exec = v
		case "host.name":
			r.host = v
		}
	})
}

func (s *scope) set(sm pmetric.ScopeMetrics) {
	sc := sm.Scope()
	s.attrs.set(sc.Attributes(), nil)
	s.name, s.version, s.schemaURL = sc.Name(), sc.Version(), sm.SchemaUrl()
	s.dropped = int32(sc.DroppedAttributesCount())
}

// set fills the per-point columns; times are converted to microseconds.
func (p *point) set(a pcommon.Map, start, t pcommon.Timestamp, flags pmetric.DataPointFlags) {
	p.memType, p.memPool, p.spark = "", "", ""
	p.attrs.set(a, func(k, v string) {
		switch k {
		case "jvm.memory.type":
			p.memType = v
		case "jvm.memory.pool.name":
			p.memPool = v
		case "sparkotel.spark.memory.pool":
			p.spark = v
		}
	})
	p.start, p.time, p.flags = int64(start)/1000, int64(t)/1000, int32(flags)
}

// common appends the Common columns of a row that change from point to point, in schema
// order; the resource's and scope's leading columns are left to fill.
func (r *columns) common(p *point) {
	r.c = scopeCols
	r.str(p.metric)
	r.str(p.description)
	r.str(p.unit)
	r.attrMap(&p.attrs)
	r.optStr(p.memType)
	r.optStr(p.memPool)
	r.optStr(p.spark)
	r.i64(p.start)
	r.i64(p.time)
	r.i32(p.flags)
}

// day is the UTC date of a timestamp in microseconds.
func day(us int64) int32 {
	const usPerDay = 86_400_000_000
	d := us / usPerDay
	if us < 0 && us%usPerDay != 0 {
		d--
	}
	return int32(d)
}

func value(p pmetric.NumberDataPoint) float64 {
	if p.ValueType() == pmetric.NumberDataPointValueTypeInt {
		return float64(p.IntValue())
	}
	return p.DoubleValue()
}

// metric appends the rows of m's points to their tables' files. Metrics of kind Empty are
// skipped.
func (e *encoder) metric(m pmetric.Metric, res *resource, sc *scope) error {
	p := &e.point
	p.metric, p.description, p.unit = m.Name(), m.Description(), m.Unit()
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		ps := m.Gauge().DataPoints()
		for i := 0; i < ps.Len(); i++ {
			dp := ps.At(i)
			p.set(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags())
			f, r, err := e.row(KindGauge, res, sc)
			if err != nil {
				return err
			}
			r.f64(value(dp))
			if err := f.endRow(res, sc); err != nil {
				return err
			}
		}
	case pmetric.MetricTypeSum:
		s := m.Sum()
		ps := s.DataPoints()
		for i := 0; i < ps.Len(); i++ {
			dp := ps.At(i)
			p.set(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags())
			f, r, err := e.row(KindSum, res, sc)
			if err != nil {
				return err
			}
			r.f64(value(dp))
			r.i32(int32(s.AggregationTemporality()))
			r.boolean(s.IsMonotonic())
			if err := f.endRow(res, sc); err != nil {
				return err
			}
		}
	case pmetric.MetricTypeHistogram:
		h := m.Histogram()
		ps := h.DataPoints()
		for i := 0; i < ps.Len(); i++ {
			dp := ps.At(i)
			p.set(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags())
			f, r, err := e.row(KindHistogram, res, sc)
			if err != nil {
				return err
			}
			r.i64(int64(dp.Count()))
			r.optF64(dp.HasSum(), dp.Sum())
			r.int64s(dp.BucketCounts().AsRaw())
			r.float64s(dp.ExplicitBounds().AsRaw())
			r.optF64(dp.HasMin(), dp.Min())
			r.optF64(dp.HasMax(), dp.Max())
			r.i32(int32(h.AggregationTemporality()))
			if err := f.endRow(res, sc); err != nil {
				return err
			}
		}
	case pmetric.MetricTypeExponentialHistogram:
		h := m.ExponentialHistogram()
		ps := h.DataPoints()
		for i := 0; i < ps.Len(); i++ {
			dp := ps.At(i)
			p.set(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags())
			f, r, err := e.row(KindExponentialHistogram, res, sc)
			if err != nil {
				return err
			}
			r.i64(int64(dp.Count()))
			r.optF64(dp.HasSum(), dp.Sum())
			r.i32(dp.Scale())
			r.i64(int64(dp.ZeroCount()))
			r.i32(dp.Positive().Offset())
			r.int64s(dp.Positive().BucketCounts().AsRaw())
			r.i32(dp.Negative().Offset())
			r.int64s(dp.Negative().BucketCounts().AsRaw())
			r.optF64(dp.HasMin(), dp.Min())
			r.optF64(dp.HasMax(), dp.Max())
			r.i32(int32(h.AggregationTemporality()))
			if err := f.endRow(res, sc); err != nil {
				return err
			}
		}
	case pmetric.MetricTypeSummary:
		ps := m.Summary().DataPoints()
		for i := 0; i < ps.Len(); i++ {
			dp := ps.At(i)
			p.set(dp.Attributes(), dp.StartTimestamp(), dp.Timestamp(), dp.Flags())
			f, r, err := e.row(KindSummary, res, sc)
			if err != nil {
				return err
			}
			r.i64(int64(dp.Count()))
			r.f64(dp.Sum())
			r.quantiles(dp.QuantileValues())
			if err := f.endRow(res, sc); err != nil {
				return err
			}
		}
	}
	return nil
}

// quantiles is the ValueAtQuantiles column: a list of structs, two leaf columns.
func (r *columns) quantiles(qs pmetric.SummaryDataPointValueAtQuantileSlice) {
	qc, vc := r.next(), r.next()
	if qs.Len() == 0 {
		qc.Null(0, 0)
		vc.Null(0, 0)
		return
	}
	for i := 0; i < qs.Len(); i++ {
		q := qs.At(i)
		rep := uint8(min(i, 1))
		qc.Double(rep, q.Quantile())
		vc.Double(rep, q.Value())
	}
}
