package pqfile

import (
	"encoding/binary"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// chunk writes the column's chunk to dst (its dictionary page, then its data pages) and
// returns the chunk's metadata.
func (c *Column) chunk(w *Writer, dst *file) (format.ColumnChunk, error) {
	st := &c.st
	start := dst.offset()
	md := format.ColumnMetaData{
		Type: format.Type(c.kind), PathInSchema: c.path, Codec: w.codec.CompressionCodec(),
		NumValues: st.values, Encoding: []format.Encoding{format.Plain},
	}
	if c.maxRep > 0 || c.maxDef > 0 {
		md.Encoding = append(md.Encoding, format.RLE)
	}
	if c.kind == parquet.ByteArray {
		md.Encoding = append(md.Encoding, c.dataEncoding())
		md.DictionaryPageOffset = start
		s := &w.scratch
		s.vals = s.vals[:0]
		for _, v := range c.dict.vals {
			s.vals = binary.LittleEndian.AppendUint32(s.vals, uint32(len(v)))
			s.vals = append(s.vals, v...)
		}
		var err error
		if s.packed, err = w.codec.Encode(s.packed[:0], s.vals); err != nil {
			return format.ColumnChunk{}, err
		}
		h := format.PageHeader{
			Type: format.DictionaryPage, UncompressedPageSize: int32(len(s.vals)), CompressedPageSize: int32(len(s.packed)),
			DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(len(c.dict.vals)), Encoding: format.Plain}),
		}
		page, err := w.header(nil, &h, s.packed)
		if err != nil {
			return format.ColumnChunk{}, err
		}
		dst.Write(page)
		md.TotalCompressedSize += int64(len(page))
		md.TotalUncompressedSize += int64(len(page) - len(s.packed) + len(s.vals))
		md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DictionaryPage, Encoding: format.Plain, Count: 1})
	}
	md.DataPageOffset = dst.offset()
	dst.Write(c.pages)
	md.TotalCompressedSize += st.compressed
	md.TotalUncompressedSize += st.uncompressed
	md.Statistics = c.statistics()
	// Readers that filter by dictionary (parquet-java's) need to know no page fell back to plain.
	md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DataPageV2, Encoding: c.dataEncoding(), Count: st.pages})
	return format.ColumnChunk{FileOffset: start, MetaData: md}, nil
}

// statistics are the chunk's null count and, for a column with statistics, its bounds in
// PLAIN encoding (byte arrays without their length).
func (c *Column) statistics() format.Statistics {
	st := &c.st
	s := format.Statistics{NullCount: st.nulls}
	if !c.stats {
		return s
	}
	var lo, hi parquet.Value // null: no bounds
	switch {
	case c.kind == parquet.ByteArray && len(c.dict.vals) > 0:
		lo, hi = parquet.ByteArrayValue([]byte(slices.Min(c.dict.vals))), parquet.ByteArrayValue([]byte(slices.Max(c.dict.vals)))
	case !st.hasBounds:
	case c.kind == parquet.Boolean:
		lo, hi = parquet.BooleanValue(st.minI != 0), parquet.BooleanValue(st.maxI != 0)
	case c.kind == parquet.Int32:
		lo, hi = parquet.Int32Value(int32(st.minI)), parquet.Int32Value(int32(st.maxI))
	case c.kind == parquet.Int64:
		lo, hi = parquet.Int64Value(st.minI), parquet.Int64Value(st.maxI)
	case c.kind == parquet.Double:
		lo, hi = parquet.DoubleValue(st.minF), parquet.DoubleValue(st.maxF)
	}
	if !lo.IsNull() {
		s.MinValue, s.MaxValue = lo.Bytes(), hi.Bytes()
	}
	return s
}
