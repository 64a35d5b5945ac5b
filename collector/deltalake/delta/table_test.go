package delta

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
)

func meta() Metadata {
	return Metadata{ID: "id", Format: Format{Provider: "parquet", Options: map[string]string{}},
		SchemaString:     `{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{}}]}`,
		PartitionColumns: []string{}, Configuration: map[string]string{}}
}

func add(path string, n int64) Action {
	return Action{Add: &Add{Path: path, PartitionValues: map[string]string{}, Size: 10, DataChange: true,
		Stats: Stats{NumRecords: n}.String()}}
}

func newTable(t *testing.T, s storage.Store, opts Options) *Table {
	t.Helper()
	tb, err := Open(context.Background(), s, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Create(context.Background(), meta()); err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestConcurrentWritersLoseAndDuplicateNothing(t *testing.T) {
	s, _ := storage.NewLocal(t.TempDir())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tb := newTable(t, s, Options{CheckpointInterval: 7}) // each its own Table: as separate processes
			for i := range 25 {
				if _, ok, err := tb.Commit(context.Background(), "WRITE", []Action{add(fmt.Sprintf("w%d-%d", w, i), 3)},
					&Txn{AppID: fmt.Sprint("w", w), Version: int64(i + 1)}); err != nil || !ok {
					t.Error(ok, err)
				}
			}
		}()
	}
	wg.Wait()
	tb, err := Open(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, files, _ := tb.Files(context.Background(), nil)
	if v != 100 || len(files) != 100 || tb.snap.NumRecords() != 300 {
		t.Fatalf("version %d, %d files, %d records; want 100, 100, 300", v, len(files), tb.snap.NumRecords())
	}
	for w := range 4 {
		if x := tb.snap.Txns[fmt.Sprint("w", w)]; x == nil || x.Version != 25 {
			t.Errorf("txn of w%d = %+v", w, x)
		}
	}
}

func TestTxnMakesARetryIdempotent(t *testing.T) {
	s, _ := storage.NewLocal(t.TempDir())
	tb := newTable(t, s, Options{})
	ctx := context.Background()
	tx := &Txn{AppID: "a", Version: 1}
	if _, ok, _ := tb.Commit(ctx, "WRITE", []Action{add("f1", 1)}, tx); !ok {
		t.Fatal("first commit not made")
	}
	other := newTable(t, s, Options{}) // another process retrying the same batch
	if _, ok, err := other.Commit(ctx, "WRITE", []Action{add("f1-retry", 1)}, tx); ok || err != nil {
		t.Fatalf("retry committed=%v err=%v, want a no-op", ok, err)
	}
}

func TestCheckpointLetsReadersSkipDeletedCommits(t *testing.T) {
	s, _ := storage.NewLocal(t.TempDir())
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	tb := newTable(t, s, Options{CheckpointInterval: 10, Now: clock})
	for i := range 24 {
		tb.Commit(ctx, "WRITE", []Action{add(fmt.Sprint("f", i), 2)}, &Txn{AppID: "a", Version: int64(i + 1)})
	}
	tb.Commit(ctx, "OPTIMIZE", []Action{{Remove: &Remove{Path: "f0", DeletionTimestamp: now.UnixMilli(), PartitionValues: map[string]string{}}}}, nil)
	lc, _ := readLastCheckpoint(ctx, s)
	if lc.Version != 20 {
		t.Fatalf("_last_checkpoint version %d, want 20", lc.Version)
	}
	for v := range int64(20) {
		if err := s.Delete(ctx, commitName(v)); err != nil {
			t.Fatal(err)
		}
	}
	re, err := Open(ctx, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if re.snap.Version != 25 || len(re.snap.Files) != 23 || re.snap.Txns["a"].Version != 24 || re.snap.Removes["f0"] == nil {
		t.Fatalf("reloaded: version %d, %d files, txn %+v", re.snap.Version, len(re.snap.Files), re.snap.Txns["a"])
	}
}

func TestLogRetentionCleansBehindCheckpoint(t *testing.T) {
	s, _ := storage.NewLocal(t.TempDir())
	ctx := context.Background()
	later := time.Now().Add(48 * time.Hour)
	now := time.Now()
	tb := newTable(t, s, Options{CheckpointInterval: 10, LogRetention: 24 * time.Hour, Now: func() time.Time { return now }})
	for i := range 9 {
		tb.Commit(ctx, "WRITE", []Action{add(fmt.Sprint("f", i), 1)}, nil)
	}
	now = later // commits 0-9 are now older than the retention
	tb.Commit(ctx, "WRITE", []Action{add("f9", 1)}, nil)
	es, _ := s.List(ctx, logDir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name[len(logDir):])
	}
	if len(names) != 3 { // commit 10, checkpoint 10, _last_checkpoint
		t.Fatalf("log after cleanup: %v", names)
	}
	re, err := Open(ctx, s, Options{})
	if err != nil || len(re.snap.Files) != 10 {
		t.Fatalf("reload: %v, %d files", err, len(re.snap.Files))
	}
}

func TestRemoveOfARemovedFileConflicts(t *testing.T) {
	s, _ := storage.NewLocal(t.TempDir())
	ctx := context.Background()
	a := newTable(t, s, Options{})
	a.Commit(ctx, "WRITE", []Action{add("f1", 1), add("f2", 1)}, nil)
	b := newTable(t, s, Options{})
	rm := []Action{{Remove: &Remove{Path: "f1", PartitionValues: map[string]string{}}}, add("g", 1)}
	if _, _, err := a.Commit(ctx, "OPTIMIZE", rm, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Commit(ctx, "OPTIMIZE", rm, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("second compaction: %v, want ErrConflict", err)
	}
}

func TestNewerProtocolIsRefused(t *testing.T) {
	s, _ := storage.NewLocal(t.TempDir())
	ctx := context.Background()
	b, _ := encodeCommit([]Action{{Protocol: &Protocol{MinReaderVersion: 3, MinWriterVersion: 7}}, {MetaData: &Metadata{ID: "x"}}})
	s.PutIfAbsent(ctx, commitName(0), b)
	tb, err := Open(ctx, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Create(ctx, meta()); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Create: %v, want ErrUnsupported", err)
	}
}

func TestStatsTimeRoundsOutward(t *testing.T) {
	for _, c := range []struct {
		us   int64
		up   bool
		want string
	}{
		{1_000_000, false, "1970-01-01T00:00:01.000Z"},
		{1_000_500, false, "1970-01-01T00:00:01.000Z"},
		{1_000_500, true, "1970-01-01T00:00:01.001Z"},
		{1_001_000, true, "1970-01-01T00:00:01.001Z"},
	} {
		if got := StatsTime(c.us, c.up); got != c.want {
			t.Errorf("StatsTime(%d, %v) = %s, want %s", c.us, c.up, got, c.want)
		}
	}
}

func TestMergeStats(t *testing.T) {
	m := MergeStats([]Stats{
		{NumRecords: 2, MinValues: map[string]any{"T": "a", "X": 1.0}, MaxValues: map[string]any{"T": "c"}, NullCount: map[string]any{"T": 1.0}},
		{NumRecords: 3, MinValues: map[string]any{"T": "b"}, MaxValues: map[string]any{"T": "d"}, NullCount: map[string]any{"T": 2.0}},
	})
	if m.NumRecords != 5 || m.MinValues["T"] != "a" || m.MaxValues["T"] != "d" || m.NullCount["T"] != 3.0 || m.MinValues["X"] != nil {
		t.Fatalf("merged %+v", m)
	}
}
