package compact

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/internal/otlpgen"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
	"github.com/sparkotel/sparkotel/collector/deltalake/tables"
)

func TestCompactionKeepsEveryRowInFewerFiles(t *testing.T) {
	ctx := context.Background()
	s, _ := storage.NewLocal(t.TempDir())
	tb, err := delta.Open(ctx, s, delta.Options{})
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := tables.KindGauge.Metadata("id", "g")
	if err := tb.Create(ctx, meta); err != nil {
		t.Fatal(err)
	}
	codec, _ := tables.Codec("zstd")
	t0 := time.Date(2026, 12, 1, 23, 59, 50, 0, time.UTC)
	sent := 0
	for i := range 20 { // 10 files on each side of midnight
		md, c := otlpgen.Build(otlpgen.Shape{GenID: "c", Executors: 2, Pools: 2}, t0.Add(time.Duration(i)*time.Second))
		files, _ := tables.Files(md, codec)
		var adds []delta.Action
		for _, f := range files {
			if f.Kind != tables.KindGauge {
				continue
			}
			path := "Date=" + f.Date + "/f" + string(rune('a'+i)) + ".parquet"
			s.Put(ctx, path, f.Data)
			adds = append(adds, delta.Action{Add: &delta.Add{Path: path, PartitionValues: map[string]string{"Date": f.Date},
				Size: int64(len(f.Data)), DataChange: true, Stats: f.Stats.String()}})
		}
		tb.Commit(ctx, "WRITE", adds, nil)
		sent += c.Gauge
	}
	res, err := Run(ctx, tb, s, Options{MinFiles: 5, TargetFileSize: 1 << 20, Codec: codec,
		Partition: func(v map[string]string) bool { return v["Date"] == "2026-12-01" }})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesRemoved != 10 || res.FilesAdded != 1 {
		t.Fatalf("result %+v, want 10 files into 1", res)
	}
	re, _ := delta.Open(ctx, s, delta.Options{})
	_, files, _ := re.Files(ctx, nil)
	var records int64
	for _, f := range files {
		st, _ := delta.ParseStats(f.Stats)
		records += st.NumRecords
	}
	if len(files) != 11 || records != int64(sent) {
		t.Fatalf("%d files, %d records; want 11, %d", len(files), records, sent)
	}
}

// oldRow is a row written before the table gained the optional column SparkApplicationName,
// newRow one written after; Attributes follows the new column so its column indexes shift.
type oldRow struct {
	Seq                int64             `parquet:"Seq"`
	SparkApplicationId string            `parquet:"SparkApplicationId,optional,dict"`
	SparkExecutorId    string            `parquet:"SparkExecutorId,optional,dict"`
	Attributes         map[string]string `parquet:"Attributes" parquet-key:",dict" parquet-value:",dict"`
}

type newRow struct {
	Seq                  int64             `parquet:"Seq"`
	SparkApplicationId   string            `parquet:"SparkApplicationId,optional,dict"`
	SparkApplicationName *string           `parquet:"SparkApplicationName,optional,dict"`
	SparkExecutorId      string            `parquet:"SparkExecutorId,optional,dict"`
	Attributes           map[string]string `parquet:"Attributes" parquet-key:",dict" parquet-value:",dict"`
}

// otherTypeRow has SparkExecutorId as a number; requiredRow adds a column that is not optional.
type otherTypeRow struct {
	Seq                int64  `parquet:"Seq"`
	SparkApplicationId string `parquet:"SparkApplicationId,optional,dict"`
	SparkExecutorId    int64  `parquet:"SparkExecutorId,optional"`
}

type requiredRow struct {
	oldRow
	Extra int64 `parquet:"Extra"`
}

func newTable(t *testing.T) (context.Context, storage.Store, *delta.Table) {
	ctx := context.Background()
	s, _ := storage.NewLocal(t.TempDir())
	tb, err := delta.Open(ctx, s, delta.Options{})
	if err != nil {
		t.Fatal(err)
	}
	schema, _ := delta.SchemaString(parquet.SchemaOf(newRow{}), delta.Field{Name: "Date", Type: "string", Nullable: true})
	meta := delta.Metadata{ID: "id", Format: delta.Format{Provider: "parquet", Options: map[string]string{}},
		SchemaString: schema, PartitionColumns: []string{"Date"}, Configuration: map[string]string{}}
	if err := tb.Create(ctx, meta); err != nil {
		t.Fatal(err)
	}
	return ctx, s, tb
}

// addFile writes rows as the file name of partition 2026-12-01 and commits its add.
func addFile[T any](t *testing.T, ctx context.Context, s storage.Store, tb *delta.Table, name string, rows []T) string {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := "Date=2026-12-01/" + name + ".parquet"
	if err := s.Put(ctx, path, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	add := &delta.Add{Path: path, PartitionValues: map[string]string{"Date": "2026-12-01"}, Size: int64(buf.Len()),
		DataChange: true, Stats: delta.Stats{NumRecords: int64(len(rows))}.String()}
	if _, _, err := tb.Commit(ctx, "WRITE", []delta.Action{{Add: add}}, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCompactionConvertsFilesWithoutTheNewColumn(t *testing.T) {
	codec, _ := tables.Codec("zstd")
	for _, order := range []string{"old,new,old", "new,old,new"} {
		t.Run(order, func(t *testing.T) {
			ctx, s, tb := newTable(t)
			want := map[int64]*string{} // SparkApplicationName of each row, nil for old rows
			for i, kind := range strings.Split(order, ",") {
				var olds []oldRow
				var news []newRow
				for j := range 3 {
					seq := int64(10*i + j)
					o := oldRow{Seq: seq, SparkApplicationId: "app", SparkExecutorId: fmt.Sprint(seq),
						Attributes: map[string]string{"seq": fmt.Sprint(seq)}}
					olds = append(olds, o)
					name := fmt.Sprint("name ", seq)
					news = append(news, newRow{o.Seq, o.SparkApplicationId, &name, o.SparkExecutorId, o.Attributes})
					want[seq] = nil
					if kind == "new" {
						want[seq] = &name
					}
				}
				if kind == "new" {
					addFile(t, ctx, s, tb, fmt.Sprint("f", i), news)
				} else {
					addFile(t, ctx, s, tb, fmt.Sprint("f", i), olds)
				}
			}
			res, err := Run(ctx, tb, s, Options{MinFiles: 2, TargetFileSize: 1 << 20, Codec: codec})
			if err != nil {
				t.Fatal(err)
			}
			if res.FilesRemoved != 3 || res.FilesAdded != 1 || res.Rows != 9 {
				t.Fatalf("result %+v, want 3 files of 9 rows into 1", res)
			}
			_, files, _ := tb.Files(ctx, nil)
			if len(files) != 1 {
				t.Fatalf("%d files after compaction, want 1", len(files))
			}
			b, _ := s.Get(ctx, files[0].Path)
			pf, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if !parquet.EqualNodes(pf.Schema(), parquet.SchemaOf(newRow{})) {
				t.Fatalf("compacted schema %s, want that of newRow", pf.Schema())
			}
			got := make([]newRow, pf.NumRows())
			n, _ := parquet.NewGenericReader[newRow](bytes.NewReader(b)).Read(got)
			if n != len(want) {
				t.Fatalf("read %d rows, want %d", n, len(want))
			}
			for _, r := range got {
				name, ok := want[r.Seq]
				delete(want, r.Seq)
				switch {
				case !ok:
					t.Errorf("row %d unexpected or repeated", r.Seq)
				case (name == nil) != (r.SparkApplicationName == nil) || name != nil && *name != *r.SparkApplicationName:
					t.Errorf("row %d: SparkApplicationName %v, want %v", r.Seq, r.SparkApplicationName, name)
				case r.SparkApplicationId != "app" || r.SparkExecutorId != fmt.Sprint(r.Seq) || r.Attributes["seq"] != fmt.Sprint(r.Seq):
					t.Errorf("row %d: shared columns changed: %+v", r.Seq, r)
				}
			}
		})
	}
}

func TestCompactionRefusesAnIncompatibleFile(t *testing.T) {
	codec, _ := tables.Codec("zstd")
	t.Run("column of another type", func(t *testing.T) {
		ctx, s, tb := newTable(t)
		addFile(t, ctx, s, tb, "f0", []oldRow{{Seq: 1}})
		addFile(t, ctx, s, tb, "f1", []newRow{{Seq: 2}})
		bad := addFile(t, ctx, s, tb, "f2", []otherTypeRow{{Seq: 3, SparkExecutorId: 3}})
		checkRefused(t, ctx, tb, s, Options{MinFiles: 2, TargetFileSize: 1 << 20, Codec: codec}, bad)
	})
	t.Run("required column missing", func(t *testing.T) {
		ctx, s, tb := newTable(t)
		bad := addFile(t, ctx, s, tb, "f0", []oldRow{{Seq: 1}})
		addFile(t, ctx, s, tb, "f1", []requiredRow{{oldRow: oldRow{Seq: 2}, Extra: 2}})
		checkRefused(t, ctx, tb, s, Options{MinFiles: 2, TargetFileSize: 1 << 20, Codec: codec}, bad)
	})
}

// checkRefused runs a compaction that must fail on file bad and leave the table as it was.
func checkRefused(t *testing.T, ctx context.Context, tb *delta.Table, s storage.Store, opts Options, bad string) {
	t.Helper()
	_, before, _ := tb.Files(ctx, nil)
	_, err := Run(ctx, tb, s, opts)
	if err == nil || !strings.Contains(err.Error(), bad+": schema differs") {
		t.Fatalf("error %v, want one refusing %s", err, bad)
	}
	if _, after, _ := tb.Files(ctx, nil); len(after) != len(before) {
		t.Fatalf("%d files after a refused compaction, want %d", len(after), len(before))
	}
}
