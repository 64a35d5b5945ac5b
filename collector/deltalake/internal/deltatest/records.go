// Package deltatest reads our tables back for tests, as a reader that trusts the log would.
package deltatest

import (
	"context"
	"testing"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
)

// Records opens the table at dir afresh and returns its live data files' numRecords, summed,
// and how many files there are.
func Records(t testing.TB, dir string) (records int64, files int) {
	t.Helper()
	s, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := delta.Open(context.Background(), s, delta.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, live, err := tb.Files(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range live {
		st, _ := delta.ParseStats(f.Stats)
		records += st.NumRecords
	}
	return records, len(live)
}
