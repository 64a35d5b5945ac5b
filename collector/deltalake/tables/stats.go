package tables

import "github.com/sparkotel/sparkotel/collector/deltalake/delta"

// stats accumulates an added file's statistics over statsColumns while its rows are built.
type stats struct {
	rows       int64
	minT, maxT int64
	strs       [6]bound // statsColumns[1:]
	lastRes    int      // resource seq whose strings are already counted in the bounds
	lastMetric string
}

type bound struct {
	lo, hi string
	nulls  int64
	seen   bool
}

func (b *bound) observe(v string) {
	switch {
	case !b.seen:
		b.lo, b.hi, b.seen = v, v, true
	case v < b.lo:
		b.lo = v
	case v > b.hi:
		b.hi = v
	}
}

// row counts one row. A resource's strings and a metric's name bound the same way for each of
// their rows, so they are compared once per run of rows.
func (s *stats) row(res *resource, p *point) {
	if s.rows == 0 {
		s.minT, s.maxT = p.time, p.time
	}
	s.rows++
	s.minT, s.maxT = min(s.minT, p.time), max(s.maxT, p.time)
	if res.seq != s.lastRes {
		s.lastRes = res.seq
		s.strs[0].observe(res.service)
		for i, v := range [...]string{res.app, res.name, res.exec, res.host} {
			if v != "" {
				s.strs[2+i].observe(v)
			}
		}
	}
	if p.metric != s.lastMetric || s.rows == 1 {
		s.lastMetric = p.metric
		s.strs[1].observe(p.metric)
	}
	for i, v := range [...]string{res.app, res.name, res.exec, res.host} {
		if v == "" {
			s.strs[2+i].nulls++
		}
	}
}

// delta renders the statistics as an add action carries them.
func (s *stats) delta() delta.Stats {
	st := delta.Stats{NumRecords: s.rows, MinValues: map[string]any{}, MaxValues: map[string]any{}, NullCount: map[string]any{}}
	if s.rows == 0 {
		return st
	}
	st.MinValues["TimeUnix"] = delta.StatsTime(s.minT, false)
	st.MaxValues["TimeUnix"] = delta.StatsTime(s.maxT, true)
	st.NullCount["TimeUnix"] = 0
	for j, b := range s.strs {
		name := statsColumns[j+1]
		st.NullCount[name] = b.nulls
		// Long strings would need Delta's truncation rules for maxima; they are left out.
		if b.seen && len(b.lo) <= 64 && len(b.hi) <= 64 {
			st.MinValues[name], st.MaxValues[name] = b.lo, b.hi
		}
	}
	return st
}
