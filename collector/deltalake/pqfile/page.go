package pqfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// scratch holds a writer's encoding buffers, reused from page to page.
type scratch struct {
	rep, def, vals, packed []byte
}

// chunkStats is what a column chunk's metadata says of its pages.
type chunkStats struct {
	values, nulls            int64
	pages                    int32
	uncompressed, compressed int64
	hasBounds                bool
	minI, maxI               int64 // int32, int64 and booleans
	minF, maxF               float64
}

// page encodes the column's buffered values as a version 2 data page of rows rows.
func (c *Column) page(w *Writer, rows int) error {
	s := &w.scratch
	n := c.valuesIn() // entries: values and nulls
	if c.maxDef > 0 {
		n = len(c.def)
	}
	if c.maxRep > 0 && len(c.rep) != n {
		return fmt.Errorf("%d repetition levels, %d definition levels", len(c.rep), n)
	}
	nulls := 0
	for _, d := range c.def {
		if d < c.maxDef {
			nulls++
		}
	}
	if got := c.valuesIn(); got != n-nulls {
		return fmt.Errorf("%d values in the page, its levels say %d", got, n-nulls)
	}
	if got := c.rowsIn(n); got != rows {
		return fmt.Errorf("%d rows in the page, the writer counted %d", got, rows)
	}
	var err error
	s.rep, s.def = s.rep[:0], s.def[:0]
	if c.maxRep > 0 {
		if s.rep, err = (&rle.Encoding{BitWidth: bits.Len8(c.maxRep)}).EncodeLevels(s.rep, c.rep); err != nil {
			return err
		}
	}
	if c.maxDef > 0 {
		if s.def, err = (&rle.Encoding{BitWidth: bits.Len8(c.maxDef)}).EncodeLevels(s.def, c.def); err != nil {
			return err
		}
	}
	switch c.kind {
	case parquet.ByteArray:
		s.vals, err = (&rle.DictionaryEncoding{}).EncodeInt32(s.vals[:0], c.idx)
	case parquet.Boolean:
		s.vals = packBools(s.vals[:0], c.i32)
		boundInts(c, c.i32)
	case parquet.Int32:
		s.vals, err = binary.Append(s.vals[:0], binary.LittleEndian, c.i32)
		boundInts(c, c.i32)
	case parquet.Int64:
		s.vals, err = binary.Append(s.vals[:0], binary.LittleEndian, c.i64)
		boundInts(c, c.i64)
	case parquet.Double:
		s.vals, err = binary.Append(s.vals[:0], binary.LittleEndian, c.f64)
		c.boundFloats()
	}
	if err != nil {
		return err
	}
	if s.packed, err = w.codec.Encode(s.packed[:0], s.vals); err != nil {
		return err
	}
	levels := len(s.rep) + len(s.def)
	h := format.PageHeader{
		Type:                 format.DataPageV2,
		UncompressedPageSize: int32(levels + len(s.vals)),
		CompressedPageSize:   int32(levels + len(s.packed)),
		DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
			NumValues: int32(n), NumNulls: int32(nulls), NumRows: int32(rows), Encoding: c.dataEncoding(),
			DefinitionLevelsByteLength: int32(len(s.def)), RepetitionLevelsByteLength: int32(len(s.rep)),
			IsCompressed: thrift.New(w.codec.CompressionCodec() != format.Uncompressed),
			Statistics:   format.Statistics{NullCount: int64(nulls)},
		}),
	}
	before := len(c.pages)
	if c.pages, err = w.header(c.pages, &h, s.rep, s.def, s.packed); err != nil {
		return err
	}
	st := &c.st
	st.pages++
	st.values += int64(n)
	st.nulls += int64(nulls)
	st.compressed += int64(len(c.pages) - before)
	st.uncompressed += int64(len(c.pages)-before) - int64(len(s.packed)) + int64(len(s.vals))
	c.rep, c.def, c.idx, c.i32, c.i64, c.f64 = c.rep[:0], c.def[:0], c.idx[:0], c.i32[:0], c.i64[:0], c.f64[:0]
	return nil
}

// dataEncoding is the encoding of the column's data pages: strings as dictionary indices,
// numbers plain.
func (c *Column) dataEncoding() format.Encoding {
	if c.kind == parquet.ByteArray {
		return format.RLEDictionary
	}
	return format.Plain
}

// rowsIn is how many rows the page's n entries make: a repeated column's entries at
// repetition level 0 start its rows.
func (c *Column) rowsIn(n int) int {
	if c.maxRep == 0 {
		return n
	}
	rows := 0
	for _, r := range c.rep {
		if r == 0 {
			rows++
		}
	}
	return rows
}

// valuesIn is how many values the page holds.
func (c *Column) valuesIn() int {
	switch c.kind {
	case parquet.ByteArray:
		return len(c.idx)
	case parquet.Int64:
		return len(c.i64)
	case parquet.Double:
		return len(c.f64)
	}
	return len(c.i32)
}

func boundInts[T int32 | int64](c *Column, vals []T) {
	if !c.stats || len(vals) == 0 {
		return
	}
	lo, hi := slices.Min(vals), slices.Max(vals)
	st := &c.st
	if !st.hasBounds {
		st.minI, st.maxI, st.hasBounds = int64(lo), int64(hi), true
	}
	st.minI, st.maxI = min(st.minI, int64(lo)), max(st.maxI, int64(hi))
}

// boundFloats keeps the doubles' bounds; NaNs are left out, as the format asks.
func (c *Column) boundFloats() {
	if !c.stats {
		return
	}
	st := &c.st
	for _, v := range c.f64 {
		if math.IsNaN(v) {
			continue
		}
		if !st.hasBounds {
			st.minF, st.maxF, st.hasBounds = v, v, true
		}
		st.minF, st.maxF = min(st.minF, v), max(st.maxF, v)
	}
}

// packBools is PLAIN booleans: one bit each, the first in the lowest bit.
func packBools(dst []byte, v []int32) []byte {
	for i := 0; i < len(v); i += 8 {
		var b byte
		for j := i; j < min(i+8, len(v)); j++ {
			b |= byte(v[j]&1) << (j - i)
		}
		dst = append(dst, b)
	}
	return dst
}
