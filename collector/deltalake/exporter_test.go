package deltalake

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/sparkotel/sparkotel/collector/deltalake/internal/deltatest"
	"github.com/sparkotel/sparkotel/collector/deltalake/internal/otlpgen"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
	"github.com/sparkotel/sparkotel/collector/deltalake/tables"
)

var t0 = time.Date(2026, 12, 1, 23, 59, 58, 0, time.UTC)

func testExporter(t testing.TB, dir string, wrap func(storage.Store) storage.Store) *deltaExporter {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Path = dir
	e := newExporter(cfg, exportertest.NewNopSettings(typ))
	e.openStore = func(ctx context.Context, loc string) (storage.Store, error) {
		s, err := storage.Open(ctx, loc)
		if err != nil || wrap == nil {
			return s, err
		}
		return wrap(s), nil
	}
	if err := e.start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.shutdown(context.Background()) })
	return e
}

// records reads each table afresh and returns its numRecords by kind.
func records(t *testing.T, dir string) map[tables.Kind]int64 {
	t.Helper()
	out := map[tables.Kind]int64{}
	for k := range tables.NumKinds {
		out[k], _ = deltatest.Records(t, filepath.Join(dir, "otel_metrics_"+k.Name()))
	}
	return out
}

func want(c otlpgen.Counts) map[tables.Kind]int64 {
	return map[tables.Kind]int64{tables.KindGauge: int64(c.Gauge), tables.KindSum: int64(c.Sum),
		tables.KindHistogram: int64(c.Histogram), tables.KindExponentialHistogram: int64(c.ExponentialHistogram),
		tables.KindSummary: int64(c.Summary)}
}

func sameCounts(t *testing.T, got, want map[tables.Kind]int64) {
	t.Helper()
	for k := range tables.NumKinds {
		if got[k] != want[k] {
			t.Errorf("%s: %d records, want %d", k.Name(), got[k], want[k])
		}
	}
}

func TestPushWritesEveryTable(t *testing.T) {
	dir := t.TempDir()
	e := testExporter(t, dir, nil)
	var sent otlpgen.Counts
	for i := range 3 { // the batches straddle midnight: two date partitions
		md, c := otlpgen.Build(otlpgen.Shape{GenID: "t", Executors: 3, Pools: 4}, t0.Add(time.Duration(i)*time.Second))
		if err := e.push(context.Background(), md); err != nil {
			t.Fatal(err)
		}
		sent.Add(c)
	}
	sameCounts(t, records(t, dir), want(sent))
	for _, d := range []string{"Date=2026-12-01", "Date=2026-12-02"} {
		if _, err := os.Stat(filepath.Join(dir, "otel_metrics_gauge", d)); err != nil {
			t.Errorf("partition %s: %v", d, err)
		}
	}
}

// lostAck commits for real and then reports failure for every table's version 1, once each:
// the response of an object store lost after the write.
type lostAck struct {
	storage.Store
	lost map[string]bool
}

func (s *lostAck) PutIfAbsent(ctx context.Context, name string, data []byte) error {
	if err := s.Store.PutIfAbsent(ctx, name, data); err != nil {
		return err
	}
	if filepath.Base(name) == "00000000000000000001.json" && !s.lost[name] {
		s.lost[name] = true
		return errors.New("connection reset")
	}
	return nil
}

func TestRetryAfterLostAckCommitsOnce(t *testing.T) {
	dir := t.TempDir()
	e := testExporter(t, dir, func(s storage.Store) storage.Store { return &lostAck{Store: s, lost: map[string]bool{}} })
	md, c := otlpgen.Build(otlpgen.Shape{GenID: "t", Executors: 2, Pools: 2}, t0)
	if err := e.push(context.Background(), md); err == nil {
		t.Fatal("first attempt: want the lost acknowledgement as an error")
	}
	// exporterhelper's retries hand over the same md; each finds one more table committed.
	var err error
	for range tables.NumKinds + 1 {
		if err = e.push(context.Background(), md); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, records(t, dir), want(c))
	md2, c2 := otlpgen.Build(otlpgen.Shape{GenID: "t", Executors: 2, Pools: 2}, t0.Add(time.Second))
	if err := e.push(context.Background(), md2); err != nil {
		t.Fatal(err)
	}
	c.Add(c2)
	sameCounts(t, records(t, dir), want(c))
}

// full fails every data file write as a full disk does.
type full struct{ storage.Store }

func (full) Put(context.Context, string, []byte) error { return syscall.ENOSPC }

func TestFullDiskIsARetryableFailure(t *testing.T) {
	dir := t.TempDir()
	e := testExporter(t, dir, func(s storage.Store) storage.Store { return full{s} })
	md, _ := otlpgen.Build(otlpgen.Shape{GenID: "t", Executors: 1, Pools: 1}, t0)
	err := e.push(context.Background(), md)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want ENOSPC", err)
	}
	sameCounts(t, records(t, dir), map[tables.Kind]int64{})
}

func TestEmptyBatchCommitsNothing(t *testing.T) {
	dir := t.TempDir()
	e := testExporter(t, dir, nil)
	if err := e.push(context.Background(), pmetric.NewMetrics()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "otel_metrics_gauge")); !os.IsNotExist(err) {
		t.Errorf("an empty batch created a table: %v", err)
	}
}

func writeFile(t *testing.T, name, s string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
