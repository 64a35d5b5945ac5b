// Command oldtable writes a gauge table as an earlier version of the exporter did, without
// the SparkApplicationName column: the lakehouse tests then have the collector write to it and
// the readers read files of both schemas. It prints the rows it wrote.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/parquet-go/parquet-go"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/internal/otlpgen"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
	"github.com/sparkotel/sparkotel/collector/deltalake/tables"
)

// dropped is the column the earlier version lacked.
const dropped = "SparkApplicationName"

func main() {
	flag.Usage = func() { fmt.Fprintln(os.Stderr, "usage: oldtable [-id ID] TABLE_DIR") }
	genID := flag.String("id", "old", "generator id (resource attribute gen.id)")
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	n, err := write(context.Background(), flag.Arg(0), *genID)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oldtable:", err)
		os.Exit(1)
	}
	fmt.Println(n)
}

func write(ctx context.Context, dir, genID string) (int64, error) {
	cur := tables.KindGauge.Schema()
	fields := parquet.Group{}
	for _, f := range cur.Fields() {
		if f.Name() != dropped {
			fields[f.Name()] = f
		}
	}
	old := parquet.NewSchema("Gauge", fields)
	schema, err := delta.SchemaString(old, delta.Field{Name: tables.PartitionColumn, Type: "date", Nullable: true, Metadata: map[string]any{}})
	if err != nil {
		return 0, err
	}
	meta, err := tables.KindGauge.Metadata(uuid.NewString(), "otel_metrics_gauge")
	if err != nil {
		return 0, err
	}
	meta.SchemaString = schema
	store, err := storage.NewLocal(dir)
	if err != nil {
		return 0, err
	}
	t, err := delta.Open(ctx, store, delta.Options{})
	if err != nil {
		return 0, err
	}
	if err := t.Create(ctx, meta); err != nil {
		return 0, err
	}
	md, _ := otlpgen.Build(otlpgen.Shape{GenID: genID, Executors: 3, Pools: 4}, time.Now().UTC().Truncate(time.Second))
	codec, _ := tables.Codec("zstd")
	files, err := tables.Files(md, codec)
	if err != nil {
		return 0, err
	}
	var rows int64
	for _, f := range files {
		if f.Kind != tables.KindGauge {
			continue
		}
		data, err := convert(f.Data, old)
		if err != nil {
			return 0, err
		}
		path := fmt.Sprintf("%s=%s/part-00000-%s-c000.zstd.parquet", tables.PartitionColumn, f.Date, uuid.NewString())
		if err := store.Put(ctx, path, data); err != nil {
			return 0, err
		}
		st := f.Stats
		for _, m := range []map[string]any{st.MinValues, st.MaxValues, st.NullCount} {
			delete(m, dropped)
		}
		add := &delta.Add{Path: path, PartitionValues: map[string]string{tables.PartitionColumn: f.Date}, Size: int64(len(data)),
			ModificationTime: time.Now().UnixMilli(), DataChange: true, Stats: st.String()}
		if _, _, err := t.Commit(ctx, "WRITE", []delta.Action{{Add: add}}, nil); err != nil {
			return 0, err
		}
		rows += st.NumRecords
	}
	return rows, nil
}

// convert rewrites a data file in the old schema: the dropped column is left out.
func convert(data []byte, old *parquet.Schema) ([]byte, error) {
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	conv, err := parquet.Convert(old, f.Schema())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, old)
	for _, rg := range f.RowGroups() {
		rows := parquet.ConvertRowGroup(rg, conv).Rows()
		_, err := parquet.CopyRows(w, rows)
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	err = w.Close()
	return buf.Bytes(), err
}
