package pqfile

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

type pair struct {
	A float64 `parquet:"A"`
	B float64 `parquet:"B"`
}

// row has a column of every kind the writer supports, flat, optional and repeated.
type row struct {
	S   string            `parquet:"S,dict"`
	OS  string            `parquet:"OS,optional,dict"`
	I32 int32             `parquet:"I32"`
	T   int64             `parquet:"T,timestamp(microsecond)"`
	F   float64           `parquet:"F"`
	OF  *float64          `parquet:"OF,optional"`
	B   bool              `parquet:"B"`
	L   []int64           `parquet:"L,list"`
	M   map[string]string `parquet:"M" parquet-key:",dict" parquet-value:",dict"`
	Q   []pair            `parquet:"Q,list"`
	N   string            `parquet:"N,optional,dict"` // always null
}

func rows(n int, seed uint64) []row {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]row, n)
	for i := range out {
		x := row{S: fmt.Sprintf("s%d", r.IntN(50)), I32: r.Int32() - math.MaxInt32/2, T: r.Int64N(1 << 50),
			F: r.NormFloat64(), B: r.IntN(2) == 1}
		if r.IntN(3) > 0 {
			x.OS = fmt.Sprintf("o%d", r.IntN(7))
		}
		if r.IntN(2) == 0 {
			f := float64(r.IntN(100))
			x.OF = &f
		}
		if i%97 == 0 {
			x.F = math.NaN()
		}
		for range r.IntN(4) {
			x.L = append(x.L, r.Int64())
			x.Q = append(x.Q, pair{r.Float64(), r.Float64()})
		}
		if k := r.IntN(4); k > 0 {
			x.M = map[string]string{}
			for j := range k {
				x.M[fmt.Sprintf("k%d", j)] = fmt.Sprintf("v%d", r.IntN(20))
			}
		}
		out[i] = x
	}
	return out
}

// String renders x with its optional double's value (NaN included), for comparing rows.
func (x row) String() string {
	of := "null"
	if x.OF != nil {
		of = fmt.Sprint(*x.OF)
	}
	return fmt.Sprintf("%q %q %d %d %v %s %v %v %v %v %q", x.S, x.OS, x.I32, x.T, x.F, of, x.B, x.L, x.M, x.Q, x.N)
}

// appendRow appends x through the column API, in schema order.
func appendRow(w *Writer, x row) {
	col := map[string]*Column{}
	for i := range w.Cols {
		col[strings.Join(w.Cols[i].Path(), ".")] = &w.Cols[i]
	}
	col["S"].String(0, x.S)
	if x.OS == "" {
		col["OS"].Null(0, 0)
	} else {
		col["OS"].String(0, x.OS)
	}
	col["I32"].Int32(0, x.I32)
	col["T"].Int64(0, x.T)
	col["F"].Double(0, x.F)
	if x.OF == nil {
		col["OF"].Null(0, 0)
	} else {
		col["OF"].Double(0, *x.OF)
	}
	col["B"].Bool(0, x.B)
	l, qa, qb := col["L.list.element"], col["Q.list.element.A"], col["Q.list.element.B"]
	if len(x.L) == 0 {
		l.Null(0, 0)
		qa.Null(0, 0)
		qb.Null(0, 0)
	}
	for i, v := range x.L {
		l.Int64(uint8(min(i, 1)), v)
		qa.Double(uint8(min(i, 1)), x.Q[i].A)
		qb.Double(uint8(min(i, 1)), x.Q[i].B)
	}
	col["N"].Null(0, 0)
	k, v := col["M.key_value.key"], col["M.key_value.value"]
	if len(x.M) == 0 {
		k.Null(0, 0)
		v.Null(0, 0)
	}
	i := 0
	for key, val := range x.M {
		k.String(uint8(min(i, 1)), key)
		v.String(uint8(min(i, 1)), val)
		i++
	}
}

func read(t *testing.T, data []byte) ([]row, *format.FileMetaData) {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	r := parquet.NewGenericReader[row](f)
	out := make([]row, f.NumRows())
	if n, err := r.Read(out); n != len(out) {
		t.Fatalf("read %d of %d rows: %v", n, len(out), err)
	}
	return out, f.Metadata()
}

// TestFileMatchesParquetGo: rows written through the columns read back as parquet-go's own
// file of the same rows does, over several pages and three times with one writer, with each
// codec; the flat columns' statistics agree with parquet-go's, and every page header is
// consistent.
func TestFileMatchesParquetGo(t *testing.T) {
	for _, codec := range []compress.Codec{&zstd.Codec{Level: zstd.SpeedFastest}, &snappy.Codec{}, &uncompressed.Codec{}} {
		t.Run(codec.String(), func(t *testing.T) { matchParquetGo(t, codec) })
	}
}

func matchParquetGo(t *testing.T, codec compress.Codec) {
	w, err := New(parquet.SchemaOf(row{}), codec, "test")
	if err != nil {
		t.Fatal(err)
	}
	for round, n := range []int{2*PageRows + 123, 10, 0} {
		want := rows(n, uint64(round))
		for i, x := range want {
			appendRow(w, x)
			if i%100 == 99 || i == len(want)-1 {
				if err := w.EndRows(i%100 + 1); err != nil {
					t.Fatal(err)
				}
			}
		}
		var got, ref bytes.Buffer
		got.WriteString("a prefix the file's offsets do not count")
		prefix := got.Len()
		if err := w.Close(&got); err != nil {
			t.Fatal(err)
		}
		got.Next(prefix)
		pw := parquet.NewGenericWriter[row](&ref, parquet.Compression(codec))
		if _, err := pw.Write(want); err != nil || pw.Close() != nil {
			t.Fatal(err)
		}
		g, gm := read(t, got.Bytes())
		r, rm := read(t, ref.Bytes())
		if len(g) != n || len(r) != n {
			t.Fatalf("round %d: %d rows, parquet-go's file %d, want %d", round, len(g), len(r), n)
		}
		for i := range g {
			if g[i].String() != r[i].String() {
				t.Fatalf("round %d row %d: %s\nwant %s", round, i, g[i], r[i])
			}
		}
		if !reflect.DeepEqual(gm.Schema, rm.Schema) {
			t.Errorf("schema %+v\nwant %+v", gm.Schema, rm.Schema)
		}
		if len(gm.RowGroups) != len(rm.RowGroups) {
			t.Fatalf("round %d: %d row groups, want %d", round, len(gm.RowGroups), len(rm.RowGroups))
		}
		if n == 0 {
			continue
		}
		for i, c := range gm.RowGroups[0].Columns {
			gs, rs := c.MetaData.Statistics, rm.RowGroups[0].Columns[i].MetaData.Statistics
			if gs.NullCount != rs.NullCount {
				t.Errorf("round %d %v: %d nulls, want %d", round, c.MetaData.PathInSchema, gs.NullCount, rs.NullCount)
			}
			if len(c.MetaData.PathInSchema) == 1 && n > 0 && (!bytes.Equal(gs.MinValue, rs.MinValue) || !bytes.Equal(gs.MaxValue, rs.MaxValue)) {
				t.Errorf("round %d %v: bounds %x..%x, want %x..%x", round, c.MetaData.PathInSchema, gs.MinValue, gs.MaxValue, rs.MinValue, rs.MaxValue)
			}
			if c.MetaData.NumValues != rm.RowGroups[0].Columns[i].MetaData.NumValues {
				t.Errorf("round %d %v: %d values, want %d", round, c.MetaData.PathInSchema, c.MetaData.NumValues, rm.RowGroups[0].Columns[i].MetaData.NumValues)
			}
			checkPages(t, got.Bytes(), &c.MetaData)
		}
	}
}
