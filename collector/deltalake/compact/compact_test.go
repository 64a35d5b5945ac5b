package compact

import (
	"context"
	"testing"
	"time"

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
