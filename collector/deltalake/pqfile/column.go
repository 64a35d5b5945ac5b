package pqfile

import (
	"github.com/parquet-go/parquet-go"
)

// Column is one leaf column's buffered values: its current page's levels and values, and the
// pages already encoded. Byte arrays are dictionary-encoded; the other types are plain.
// Levels are kept only when the column has them; a value is appended only when its definition
// level is the column's maximum.
type Column struct {
	path           []string
	kind           parquet.Kind
	maxRep, maxDef uint8
	stats          bool

	rep, def []uint8
	idx      []int32 // byte arrays: dictionary indices
	i32      []int32 // int32, and booleans as 0 or 1
	i64      []int64
	f64      []float64
	dict     dictionary

	pages []byte // encoded data pages, headers included
	st    chunkStats
}

// MaxDef is the column's maximum definition level: a present value's.
func (c *Column) MaxDef() uint8 { return c.maxDef }

func (c *Column) levels(rep, def uint8) {
	if c.maxRep > 0 {
		c.rep = append(c.rep, rep)
	}
	if c.maxDef > 0 {
		c.def = append(c.def, def)
	}
}

// Null appends a value absent at definition level def (an empty list or map at 0).
func (c *Column) Null(rep, def uint8) { c.levels(rep, def) }

// String appends a byte array value, present.
func (c *Column) String(rep uint8, s string) {
	c.levels(rep, c.maxDef)
	c.idx = append(c.idx, c.dict.index(s))
}

// Int32, Int64, Double and Bool append a present value of the column's type.
func (c *Column) Int32(rep uint8, v int32) {
	c.levels(rep, c.maxDef)
	c.i32 = append(c.i32, v)
}

func (c *Column) Int64(rep uint8, v int64) {
	c.levels(rep, c.maxDef)
	c.i64 = append(c.i64, v)
}

func (c *Column) Double(rep uint8, v float64) {
	c.levels(rep, c.maxDef)
	c.f64 = append(c.f64, v)
}

func (c *Column) Bool(rep uint8, v bool) {
	b := int32(0)
	if v {
		b = 1
	}
	c.Int32(rep, b)
}

// Run is a pattern of one row's entries in a byte array column (a map's keys, say), ready to be
// appended to many rows at once: the dictionary indices of the present entries and every
// entry's levels.
type Run struct {
	Rep, Def []uint8
	Idx      []int32
}

// Index is s's dictionary index, for a Run.
func (c *Column) Index(s string) int32 { return c.dict.index(s) }

// Repeat appends r to n rows.
func (c *Column) Repeat(r *Run, n int) {
	if c.maxRep > 0 {
		c.rep = repeat(c.rep, r.Rep, n)
	}
	if c.maxDef > 0 {
		c.def = repeat(c.def, r.Def, n)
	}
	c.idx = repeat(c.idx, r.Idx, n)
}

// RepeatInt32 appends a present int32 to n rows of a required column.
func (c *Column) RepeatInt32(v int32, n int) {
	c.i32 = repeat(c.i32, []int32{v}, n)
}

func repeat[T any](dst, pattern []T, n int) []T {
	if len(pattern) == 0 {
		return dst
	}
	if len(pattern) == 1 {
		v := pattern[0]
		for range n {
			dst = append(dst, v)
		}
		return dst
	}
	for range n {
		dst = append(dst, pattern...)
	}
	return dst
}

func (c *Column) reset() {
	c.rep, c.def, c.idx, c.i32, c.i64, c.f64 = c.rep[:0], c.def[:0], c.idx[:0], c.i32[:0], c.i64[:0], c.f64[:0]
	c.pages = c.pages[:0]
	c.dict.reset()
	c.st = chunkStats{}
}

// dictionary maps a column's distinct strings to their indices. The strings are the
// request's, not copied: a file is rendered before its request is released.
type dictionary struct {
	m       map[string]int32
	vals    []string
	last    string
	lastIdx int32
}

func (d *dictionary) index(s string) int32 {
	if len(d.vals) > 0 && s == d.last {
		return d.lastIdx
	}
	i, ok := d.m[s]
	if !ok {
		if d.m == nil {
			d.m = map[string]int32{}
		}
		i = int32(len(d.vals))
		d.vals = append(d.vals, s)
		d.m[s] = i
	}
	d.last, d.lastIdx = s, i
	return i
}

func (d *dictionary) reset() {
	clear(d.m)
	clear(d.vals) // drop the references to the request's strings
	d.vals, d.last, d.lastIdx = d.vals[:0], "", 0
}

// Path is the column's path in the schema.
func (c *Column) Path() []string { return c.path }
