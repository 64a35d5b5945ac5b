package tables

import (
	"slices"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// columns holds a data file's pending rows as Parquet values, one slice per leaf column of the
// kind's schema (in schema order), so rows go to the writer column by column without
// reflection. A row is appended by calling the setters in schema order; c is the next column.
type columns struct {
	vals [][]parquet.Value
	c    int
	rows int
	pend int // rows whose resource and scope columns are not filled yet
}

func newColumns(n int) columns { return columns{vals: make([][]parquet.Value, n)} }

// bytesOf is s's bytes, not copied: the writer copies what it keeps, and the OTLP request
// outlives the encoding.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// at is v at repetition level rep and definition level def. (A value's column index is not
// read on writes, so it is not set.)
func at(v parquet.Value, rep, def int) parquet.Value {
	v.SetRepetitionLevel(rep)
	v.SetDefinitionLevel(def)
	return v
}

// present is v in an optional column, or an element of a list or map (whose first element is
// at repetition level 0): definition level 1.
func present(v parquet.Value) parquet.Value {
	v.SetDefinitionLevel(1)
	return v
}

func (r *columns) put(v parquet.Value) {
	r.vals[r.c] = append(r.vals[r.c], v)
	r.c++
}

// str is s in a required string column (levels 0, a constructor's).
func str(s string) parquet.Value { return parquet.ByteArrayValue(bytesOf(s)) }

// optStr is s in an optional string column: absent ("") is null.
func optStr(s string) parquet.Value {
	if s == "" {
		return parquet.NullValue()
	}
	return present(str(s))
}

func (r *columns) i32(v int32)   { r.put(parquet.Int32Value(v)) }
func (r *columns) i64(v int64)   { r.put(parquet.Int64Value(v)) }
func (r *columns) f64(v float64) { r.put(parquet.DoubleValue(v)) }
func (r *columns) boolean(v bool) {
	r.put(parquet.BooleanValue(v))
}

// optF64 is an optional double column.
func (r *columns) optF64(has bool, v float64) {
	if !has {
		r.put(parquet.NullValue())
		return
	}
	r.put(present(parquet.DoubleValue(v)))
}

// leaves appends prepared values (a map's or a list's, levels set) to the next len(vs) columns.
func (r *columns) leaves(vs ...[]parquet.Value) {
	for _, v := range vs {
		r.vals[r.c] = append(r.vals[r.c], v...)
		r.c++
	}
}

// int64s is a required list<long> column (BucketCounts and the like).
func (r *columns) int64s(u []uint64) {
	if len(u) == 0 {
		r.put(parquet.NullValue())
		return
	}
	col := r.vals[r.c]
	for i, v := range u {
		col = append(col, at(parquet.Int64Value(int64(v)), min(i, 1), 1))
	}
	r.vals[r.c] = col
	r.c++
}

// float64s is a required list<double> column.
func (r *columns) float64s(u []float64) {
	if len(u) == 0 {
		r.put(parquet.NullValue())
		return
	}
	col := r.vals[r.c]
	for i, v := range u {
		col = append(col, at(parquet.DoubleValue(v), min(i, 1), 1))
	}
	r.vals[r.c] = col
	r.c++
}

// endRow checks that the row filled every column.
func (r *columns) endRow() {
	if r.c != len(r.vals) {
		panic("tables: a row filled the wrong number of columns")
	}
	r.c = 0
	r.rows++
}

// write hands the pending rows to the writer's columns and empties the buffers.
func (r *columns) write(cw []*parquet.ColumnWriter) error {
	if r.pend != 0 {
		panic("tables: rows written before their resource's columns were filled")
	}
	for i, vs := range r.vals {
		if _, err := cw[i].WriteRowValues(vs); err != nil {
			return err
		}
		clear(vs) // drop the references to the request's strings
		r.vals[i] = vs[:0]
	}
	r.rows = 0
	return nil
}

// attrs is a map<string,string> column pair as values: keys and values, levels set. The
// promoted attributes are picked out on the way.
type attrs struct {
	keys, vals []parquet.Value
}

// set renders a as a map column's keys and values; an empty map is one null in each.
func (m *attrs) set(a pcommon.Map, promote func(k, v string)) {
	m.keys, m.vals = m.keys[:0], m.vals[:0]
	for k, v := range a.All() {
		rep := min(len(m.keys), 1)
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
			m.vals[i] = at(str(s), min(i, 1), 1)
			continue
		}
		m.keys = append(m.keys, at(str(k), rep, 1))
		m.vals = append(m.vals, at(str(s), rep, 1))
	}
	if len(m.keys) == 0 {
		m.keys = append(m.keys, parquet.NullValue())
		m.vals = append(m.vals, parquet.NullValue())
	}
}

func (m *attrs) index(k string) int {
	for i := range m.keys {
		if string(m.keys[i].ByteArray()) == k {
			return i
		}
	}
	return -1
}

// scopeCols is how many leading leaf columns of every schema a row's resource and scope
// fill: ResourceAttributes' key and value through HostName.
const scopeCols = 13

// fill appends the resource's and scope's columns of the rows common left pending, a column
// at a time: they are the same for every such row, and copying runs is cheaper than
// interleaving them with the point's columns.
func (r *columns) fill(res *resource, sc *scope) {
	n := r.pend
	if n == 0 {
		return
	}
	r.pend = 0
	r.vals[0] = repeat(r.vals[0], n, res.attrs.keys...)
	r.vals[1] = repeat(r.vals[1], n, res.attrs.vals...)
	r.vals[2] = repeat(r.vals[2], n, res.vals[0])
	r.vals[3] = repeat(r.vals[3], n, sc.vals[0])
	r.vals[4] = repeat(r.vals[4], n, sc.vals[1])
	r.vals[5] = repeat(r.vals[5], n, sc.attrs.keys...)
	r.vals[6] = repeat(r.vals[6], n, sc.attrs.vals...)
	r.vals[7] = repeat(r.vals[7], n, sc.vals[2])
	r.vals[8] = repeat(r.vals[8], n, sc.vals[3])
	for i, v := range res.vals[1:] {
		r.vals[9+i] = repeat(r.vals[9+i], n, v)
	}
}

// repeat appends vs to col n times.
func repeat(col []parquet.Value, n int, vs ...parquet.Value) []parquet.Value {
	col = slices.Grow(col, n*len(vs))
	if len(vs) == 1 {
		v := vs[0]
		for range n {
			col = append(col, v)
		}
		return col
	}
	for range n {
		col = append(col, vs...)
	}
	return col
}
