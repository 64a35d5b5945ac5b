package pqfile

import (
	"encoding/binary"
	"math"
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
		md.Encoding = append(md.Encoding, format.RLEDictionary)
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
	dataEncoding := format.Plain
	if c.kind == parquet.ByteArray {
		dataEncoding = format.RLEDictionary
	}
	md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DataPageV2, Encoding: dataEncoding, Count: st.pages})
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
	switch c.kind {
	case parquet.ByteArray:
		if len(c.dict.vals) > 0 {
			s.MinValue, s.MaxValue = []byte(slices.Min(c.dict.vals)), []byte(slices.Max(c.dict.vals))
		}
	case parquet.Boolean:
		if st.hasBounds {
			s.MinValue, s.MaxValue = []byte{byte(st.minI)}, []byte{byte(st.maxI)}
		}
	case parquet.Int32:
		if st.hasBounds {
			s.MinValue = binary.LittleEndian.AppendUint32(nil, uint32(st.minI))
			s.MaxValue = binary.LittleEndian.AppendUint32(nil, uint32(st.maxI))
		}
	case parquet.Int64:
		if st.hasBounds {
			s.MinValue = binary.LittleEndian.AppendUint64(nil, uint64(st.minI))
			s.MaxValue = binary.LittleEndian.AppendUint64(nil, uint64(st.maxI))
		}
	case parquet.Double:
		if st.hasBounds {
			s.MinValue = binary.LittleEndian.AppendUint64(nil, math.Float64bits(st.minF))
			s.MaxValue = binary.LittleEndian.AppendUint64(nil, math.Float64bits(st.maxF))
		}
	}
	return s
}
