// Package pqfile writes Parquet files of a fixed schema from typed columns. A row's values go
// straight into per-column buffers (dictionary indices, numbers, levels), with no value boxing
// and no reflection, and whole runs of rows can be appended at once. The schema, its footer
// form and the encodings are parquet-go's; the layout of pages, column chunks and footer (one
// row group a file) is ours.
package pqfile

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// PageRows is how many rows a data page holds (the last page of a file holds the rest).
const PageRows = 16384

var magic = []byte("PAR1")

// Writer buffers one file's rows and renders the file on Close. Columns are in the schema's
// leaf order. It is reused after Reset.
type Writer struct {
	Cols     []Column
	schema   []format.SchemaElement
	orders   []format.ColumnOrder
	codec    compress.Codec
	created  string
	rows     int // rows in the current page
	total    int64
	scratch  scratch
	protocol thrift.CompactProtocol
}

// New is a writer of schema's rows compressed with codec. Columns outside lists and maps get
// bounds in their chunks' statistics; no reader prunes files by a list's or a map's entries.
func New(schema *parquet.Schema, codec compress.Codec, createdBy string) (*Writer, error) {
	elems, err := schemaElements(schema)
	if err != nil {
		return nil, err
	}
	w := &Writer{schema: elems, codec: codec, created: createdBy}
	for _, path := range schema.Columns() {
		leaf, _ := schema.Lookup(path...)
		kind := leaf.Node.Type().Kind()
		switch kind {
		case parquet.Boolean, parquet.Int32, parquet.Int64, parquet.Double, parquet.ByteArray:
		default:
			return nil, fmt.Errorf("pqfile: column %v: type %v is not supported", path, kind)
		}
		if !signedOrder(leaf.Node.Type().LogicalType()) {
			return nil, fmt.Errorf("pqfile: column %v: logical type %v is not supported", path, leaf.Node.Type().LogicalType())
		}
		w.Cols = append(w.Cols, Column{path: path, kind: kind,
			maxRep: uint8(leaf.MaxRepetitionLevel), maxDef: uint8(leaf.MaxDefinitionLevel),
			stats: leaf.MaxRepetitionLevel == 0})
		w.orders = append(w.orders, *leaf.Node.Type().ColumnOrder())
	}
	return w, nil
}

// signedOrder tells the logical types whose values sort as the bounds are computed: numbers
// signed, byte arrays byte by byte. Unsigned integers and decimals sort otherwise.
func signedOrder(lt *format.LogicalType) bool {
	if lt == nil {
		return true
	}
	switch t := lt.Value.(type) {
	case nil, *format.StringType, *format.TimestampType:
		return true
	case *format.IntType:
		return t.IsSigned
	}
	return false
}

// schemaElements is the schema as a file's footer holds it, as parquet-go writes it: read back
// from an empty file, so the logical and converted types are exactly parquet-go's.
func schemaElements(schema *parquet.Schema) ([]format.SchemaElement, error) {
	var buf bytes.Buffer
	pw := parquet.NewGenericWriter[any](&buf, schema)
	if err := pw.Close(); err != nil {
		return nil, err
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, err
	}
	return f.Metadata().Schema, nil
}

// EndRows counts n rows appended to every column. Once a page's worth is in, the pages are
// cut: every column must then hold exactly the counted rows.
func (w *Writer) EndRows(n int) error {
	w.rows += n
	w.total += int64(n)
	if w.rows < PageRows {
		return nil
	}
	return w.cut()
}

func (w *Writer) cut() error {
	for i := range w.Cols {
		if err := w.Cols[i].page(w, w.rows); err != nil {
			return fmt.Errorf("pqfile: column %v: %w", w.Cols[i].path, err)
		}
	}
	w.rows = 0
	return nil
}

// Close appends the file to dst and resets the writer. A file of no rows has no row group.
func (w *Writer) Close(dst *bytes.Buffer) error {
	defer w.Reset()
	meta := format.FileMetaData{Version: 2, Schema: w.schema, NumRows: w.total, CreatedBy: w.created, ColumnOrders: w.orders}
	f := file{Buffer: dst, base: dst.Len()}
	f.Write(magic)
	if w.total > 0 {
		if w.rows > 0 {
			if err := w.cut(); err != nil {
				return err
			}
		}
		rg := format.RowGroup{NumRows: w.total, FileOffset: f.offset()}
		for i := range w.Cols {
			chunk, err := w.Cols[i].chunk(w, &f)
			if err != nil {
				return fmt.Errorf("pqfile: column %v: %w", w.Cols[i].path, err)
			}
			rg.Columns = append(rg.Columns, chunk)
			rg.TotalByteSize += chunk.MetaData.TotalUncompressedSize
			rg.TotalCompressedSize += chunk.MetaData.TotalCompressedSize
		}
		meta.RowGroups = []format.RowGroup{rg}
	}
	start := f.offset()
	if err := thrift.NewEncoder(w.protocol.NewWriter(dst)).Encode(&meta); err != nil {
		return err
	}
	f.Write(binary.LittleEndian.AppendUint32(nil, uint32(f.offset()-start)))
	f.Write(magic)
	return nil
}

// file is the buffer a file is appended to, from base on.
type file struct {
	*bytes.Buffer
	base int
}

// offset is the position in the file of the next byte written.
func (f *file) offset() int64 { return int64(f.Len() - f.base) }

// Reset empties the writer for its next file, keeping its buffers.
func (w *Writer) Reset() {
	for i := range w.Cols {
		w.Cols[i].reset()
	}
	w.rows, w.total = 0, 0
}

// header appends a page header and the page's body to dst.
func (w *Writer) header(dst []byte, h *format.PageHeader, body ...[]byte) ([]byte, error) {
	b := bytes.NewBuffer(dst)
	if err := thrift.NewEncoder(w.protocol.NewWriter(b)).Encode(h); err != nil {
		return dst, err
	}
	for _, p := range body {
		b.Write(p)
	}
	return b.Bytes(), nil
}
