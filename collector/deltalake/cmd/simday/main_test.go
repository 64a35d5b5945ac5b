package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sparkotel/sparkotel/collector/deltalake/internal/deltatest"
)

// TestWritesEveryPoint: two applications of 3 executors and a driver for 2 minutes each reach
// the tables, every point once, in batches of the size asked.
func TestWritesEveryPoint(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	st, err := write(context.Background(), dir, catalog(), start, 3, 240, 120, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if st.apps != 2 || st.jvms != 8 || st.series < 140 || st.series > 160 {
		t.Fatalf("apps %d, JVMs %d, series per JVM %d; want 2, 8, ~150", st.apps, st.jvms, st.series)
	}
	for table, want := range map[string]int{"otel_metrics_gauge": st.gauge, "otel_metrics_sum": st.sum} {
		got, files := deltatest.Records(t, filepath.Join(dir, table))
		if got != int64(want) || want == 0 {
			t.Errorf("%s: %d records, want %d", table, got, want)
		}
		if min := (st.gauge + st.sum) / 2000; files < min/2 {
			t.Errorf("%s: %d files for %d batches of 2000 points", table, files, st.batches)
		}
	}
}

// TestCatalogIsSparkotels: every simulated metric is one sparkotel declares, in the table its
// instrument goes to, with attributes it declares (native/catalog/metrics.yaml, via the
// generated tests/e2e/catalog.json).
func TestCatalogIsSparkotels(t *testing.T) {
	b, err := os.ReadFile("../../../../tests/e2e/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	type declared struct {
		Name, Instrument string
		Attributes       []string
	}
	var decl []declared
	if err := json.Unmarshal(b, &decl); err != nil {
		t.Fatal(err)
	}
	for _, m := range catalog() {
		i := slices.IndexFunc(decl, func(d declared) bool { return d.Name == m.name })
		if i < 0 {
			t.Errorf("%s: not in sparkotel's catalog", m.name)
			continue
		}
		if sum := decl[i].Instrument != "gauge"; sum != m.sum {
			t.Errorf("%s: a %s, simulated in the sum table: %v", m.name, decl[i].Instrument, m.sum)
		}
		for _, set := range m.attrs {
			for a := 0; a < len(set); a += 2 {
				if !slices.Contains(decl[i].Attributes, set[a]) {
					t.Errorf("%s: attribute %s not declared", m.name, set[a])
				}
			}
		}
	}
}
