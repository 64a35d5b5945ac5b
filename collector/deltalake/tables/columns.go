package tables

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/sparkotel/sparkotel/collector/deltalake/pqfile"
)

// columns appends a file's rows to its writer's leaf columns. A row is appended by calling the
// setters in schema order; c is the next column. A row's resource and scope columns are filled
// later, for a run of rows at once (fill).
type columns struct {
	w    *pqfile.Writer
	c    int
	pend int // rows whose resource and scope columns are not filled yet
	run  pqfile.Run
}

func (r *columns) next() *pqfile.Column {
	col := &r.w.Cols[r.c]
	r.c++
	return col
}

// str is a required string column.
func (r *columns) str(s string) { r.next().String(0, s) }

// optStr is an optional string column: absent ("") is null.
func (r *columns) optStr(s string) {
	col := r.next()
	if s == "" {
		col.Null(0, 0)
		return
	}
	col.String(0, s)
}

func (r *columns) i32(v int32)    { r.next().Int32(0, v) }
func (r *columns) i64(v int64)    { r.next().Int64(0, v) }
func (r *columns) f64(v float64)  { r.next().Double(0, v) }
func (r *columns) boolean(v bool) { r.next().Bool(0, v) }

// optF64 is an optional double column.
func (r *columns) optF64(has bool, v float64) {
	col := r.next()
	if !has {
		col.Null(0, 0)
		return
	}
	col.Double(0, v)
}

// int64s is a required list<long> column (BucketCounts and the like); empty is null.
func (r *columns) int64s(u []uint64) {
	col := r.next()
	if len(u) == 0 {
		col.Null(0, 0)
		return
	}
	for i, v := range u {
		col.Int64(uint8(min(i, 1)), int64(v))
	}
}

// float64s is a required list<double> column.
func (r *columns) float64s(u []float64) {
	col := r.next()
	if len(u) == 0 {
		col.Null(0, 0)
		return
	}
	for i, v := range u {
		col.Double(uint8(min(i, 1)), v)
	}
}

// attrMap is a map<string,string> column pair: an empty map is one null in each.
func (r *columns) attrMap(a *attrs) {
	kc, vc := r.next(), r.next()
	if len(a.keys) == 0 {
		kc.Null(0, 0)
		vc.Null(0, 0)
		return
	}
	for i := range a.keys {
		rep := uint8(min(i, 1))
		kc.String(rep, a.keys[i])
		vc.String(rep, a.vals[i])
	}
}

// endRow checks that the row filled every column but the resource's and scope's.
func (r *columns) endRow() {
	if r.c != len(r.w.Cols) {
		panic("tables: a row filled the wrong number of columns")
	}
	r.c = 0
	r.pend++
}

// attrs is an attribute map rendered as strings. The promoted attributes are picked out on
// the way.
type attrs struct {
	keys, vals []string
}

func (m *attrs) set(a pcommon.Map, promote func(k, v string)) {
	m.keys, m.vals = m.keys[:0], m.vals[:0]
	for k, v := range a.All() {
		var s string
		if v.Type() == pcommon.ValueTypeStr {
			s = v.Str()
		} else {
			s = v.AsString()
		}
		if promote != nil {
			promote(k, s)
		}
		if i := m.index(k); i >= 0 { // OTLP allows a repeated key; a map keeps the last
			m.vals[i] = s
			continue
		}
		m.keys = append(m.keys, k)
		m.vals = append(m.vals, s)
	}
}

func (m *attrs) index(k string) int {
	for i := range m.keys {
		if m.keys[i] == k {
			return i
		}
	}
	return -1
}

// scopeCols is how many leading leaf columns of every schema a row's resource and scope
// fill: ResourceAttributes' key and value through HostName.
const scopeCols = 14

// fill appends the resource's and scope's columns to the rows left pending, a column at a time
// (they are the same for every such row), and counts those rows in the writer.
func (r *columns) fill(res *resource, sc *scope) error {
	n := r.pend
	if n == 0 {
		return nil
	}
	r.pend = 0
	cols := r.w.Cols
	r.repeat(&cols[0], n, res.attrs.keys...)
	r.repeat(&cols[1], n, res.attrs.vals...)
	r.repeat(&cols[2], n, res.schemaURL)
	r.repeat(&cols[3], n, sc.name)
	r.repeat(&cols[4], n, sc.version)
	r.repeat(&cols[5], n, sc.attrs.keys...)
	r.repeat(&cols[6], n, sc.attrs.vals...)
	cols[7].RepeatInt32(sc.dropped, n)
	r.repeat(&cols[8], n, sc.schemaURL)
	r.repeat(&cols[9], n, res.service)
	for i, v := range [...]string{res.app, res.name, res.exec, res.host} {
		if v == "" {
			r.repeat(&cols[10+i], n)
		} else {
			r.repeat(&cols[10+i], n, v)
		}
	}
	return r.w.EndRows(n)
}

// repeat appends one row's entries of a string column to n rows: ss are a map's keys or values
// or a column's one value; none is null.
func (r *columns) repeat(col *pqfile.Column, n int, ss ...string) {
	run := &r.run
	run.Rep, run.Def, run.Idx = run.Rep[:0], run.Def[:0], run.Idx[:0]
	if len(ss) == 0 {
		run.Rep, run.Def = append(run.Rep, 0), append(run.Def, 0)
	}
	for i, s := range ss {
		run.Rep = append(run.Rep, uint8(min(i, 1)))
		run.Def = append(run.Def, col.MaxDef())
		run.Idx = append(run.Idx, col.Index(s))
	}
	col.Repeat(run, n)
}
