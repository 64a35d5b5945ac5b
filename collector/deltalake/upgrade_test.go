package deltalake

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/internal/deltatest"
	"github.com/sparkotel/sparkotel/collector/deltalake/internal/otlpgen"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
	"github.com/sparkotel/sparkotel/collector/deltalake/tables"
)

// TestOlderTableGetsNewColumns: a gauge table created by an earlier version, without the
// SparkApplicationName column, gets it in a metaData commit (its id kept) before the
// exporter's first write, and the new files fill it.
func TestOlderTableGetsNewColumns(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	path := filepath.Join(dir, "otel_metrics_gauge")
	meta, err := tables.KindGauge.Metadata("old-id", "otel_metrics_gauge")
	if err != nil {
		t.Fatal(err)
	}
	meta.SchemaString = withoutColumn(t, meta.SchemaString, "SparkApplicationName")
	s, _ := storage.NewLocal(path)
	old, err := delta.Open(ctx, s, delta.Options{})
	if err != nil || old.Create(ctx, meta) != nil {
		t.Fatal(err)
	}

	e := testExporter(t, dir, nil)
	md, c := otlpgen.Build(otlpgen.Shape{GenID: "t", Executors: 2, Pools: 2}, t0)
	if err := e.push(ctx, md); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(path, "_delta_log", "00000000000000000001.json")); !bytes.Contains(got, []byte(`"operation":"ADD COLUMNS"`)) ||
		!bytes.Contains(got, []byte(`\"name\":\"SparkApplicationName\"`)) || !bytes.Contains(got, []byte(`"id":"old-id"`)) {
		t.Fatalf("version 1 is not the column's addition:\n%s", got)
	}
	if n, _ := deltatest.Records(t, path); n != int64(c.Gauge) {
		t.Fatalf("%d records, want %d", n, c.Gauge)
	}
	files, _ := filepath.Glob(filepath.Join(path, "Date=*", "*.parquet"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		rows, err := parquet.Read[tables.Gauge](bytes.NewReader(b), int64(len(b)))
		if err != nil || len(rows) == 0 || rows[0].SparkApplicationName != "otlpgen" {
			t.Fatalf("%s: %d rows, %v", f, len(rows), err)
		}
	}
}

// withoutColumn is a Delta schema string with one column left out.
func withoutColumn(t *testing.T, schema, name string) string {
	var s struct {
		Type   string           `json:"type"`
		Fields []map[string]any `json:"fields"`
	}
	if err := json.Unmarshal([]byte(schema), &s); err != nil {
		t.Fatal(err)
	}
	kept := s.Fields[:0]
	for _, f := range s.Fields {
		if f["name"] != name {
			kept = append(kept, f)
		}
	}
	if len(kept) == len(s.Fields) {
		t.Fatalf("no column %s", name)
	}
	s.Fields = kept
	b, _ := json.Marshal(s)
	return strings.TrimSpace(string(b))
}
