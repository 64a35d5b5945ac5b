package pqfile

import (
	"bytes"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// TestRowsMiscounted: a page whose columns hold other than the counted rows is an error, not
// a corrupt file.
func TestRowsMiscounted(t *testing.T) {
	w, err := New(parquet.SchemaOf(row{}), &zstd.Codec{}, "test")
	if err != nil {
		t.Fatal(err)
	}
	appendRow(w, rows(1, 0)[0])
	w.Cols[0].String(0, "one too many")
	if err := w.EndRows(1); err != nil {
		t.Fatal(err) // not cut yet
	}
	var buf bytes.Buffer
	if err := w.Close(&buf); err == nil || !strings.Contains(err.Error(), "2 rows in the page, the writer counted 1") {
		t.Fatalf("Close: %v", err)
	}
}

// checkPages reads a column chunk's page headers: each data page's null count is in its
// statistics, and the pages add up to the chunk's values and the encoding stats' count.
func checkPages(t *testing.T, data []byte, md *format.ColumnMetaData) {
	t.Helper()
	off := md.DataPageOffset
	if md.DictionaryPageOffset != 0 {
		off = md.DictionaryPageOffset
	}
	var values int64
	pages := map[format.PageType]int32{}
	for values < md.NumValues {
		r := bytes.NewReader(data[off:])
		var h format.PageHeader
		if err := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(r)).Decode(&h); err != nil {
			t.Fatalf("%v: page header at %d: %v", md.PathInSchema, off, err)
		}
		pages[h.Type]++
		off += int64(len(data[off:])-r.Len()) + int64(h.CompressedPageSize)
		if h.Type != format.DataPageV2 {
			continue
		}
		v2 := h.DataPageHeaderV2.V
		values += int64(v2.NumValues)
		if v2.Statistics.NullCount != int64(v2.NumNulls) {
			t.Errorf("%v: page statistics say %d nulls, the header %d", md.PathInSchema, v2.Statistics.NullCount, v2.NumNulls)
		}
	}
	for _, es := range md.EncodingStats {
		if pages[es.PageType] != es.Count {
			t.Errorf("%v: %d pages of type %v, encoding stats say %d", md.PathInSchema, pages[es.PageType], es.PageType, es.Count)
		}
	}
}

// TestValuesMiscounted: a value whose levels say null, or levels without their value, is an
// error, not a corrupt file.
func TestValuesMiscounted(t *testing.T) {
	w, err := New(parquet.SchemaOf(row{}), &zstd.Codec{}, "test")
	if err != nil {
		t.Fatal(err)
	}
	x := rows(1, 0)[0]
	x.OS = ""
	appendRow(w, x)
	w.Cols[1].def[0] = 1 // OS: present by its level, with no value
	if err := w.EndRows(1); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.Close(&buf); err == nil || !strings.Contains(err.Error(), "values in the page, its levels say") {
		t.Fatalf("Close: %v", err)
	}
}

// TestUnsignedRefused: bounds are computed signed, so an unsigned column is refused.
func TestUnsignedRefused(t *testing.T) {
	type unsigned struct {
		U uint32 `parquet:"U"`
	}
	if _, err := New(parquet.SchemaOf(unsigned{}), &zstd.Codec{}, "test"); err == nil || !strings.Contains(err.Error(), "[U]: logical type") {
		t.Fatalf("New: %v", err)
	}
}
