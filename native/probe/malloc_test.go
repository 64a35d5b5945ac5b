package probe

import (
	"testing"
	"time"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/probe/internal/arenas"
)

func TestMallocProbeOnThisProcess(t *testing.T) {
	if MallocAPI() == "" {
		t.Skip("not glibc")
	}
	got := collect(t, DefaultEnv(), "malloc")
	if got["sparkotel.malloc.memory{sparkotel.malloc.state=in_use}"] <= 0 {
		t.Errorf("malloc in_use = %v; a cgo process has allocated something", got)
	}
}

// TestMallocReadsAreSpacedByTheirCost: in a heap fragmented into 100,000 free chunks a read
// takes about a millisecond, holding malloc's locks; the next comes no sooner than 200 times
// that, and collections meanwhile have no malloc point.
func TestMallocReadsAreSpacedByTheirCost(t *testing.T) {
	if MallocAPI() == "" {
		t.Skip("not glibc")
	}
	_, release := arenas.Fragment(200000)
	defer release()
	p := newMallocProbe(DefaultEnv()).(*mallocProbe)
	var r Recorder
	_ = p.Collect(&r)
	var took float64
	for _, pt := range r.Points {
		if pt.Metric == catalog.MallocReadDuration {
			took = pt.Float
		}
	}
	if len(r.Points) != 5 || took < 0.0004 {
		t.Fatalf("reading a heap with 100,000 free chunks: %d points, %v s; want 5 points and at least 0.4 ms", len(r.Points), took)
	}
	time.Sleep(60 * time.Millisecond)
	r.Reset()
	_ = p.Collect(&r)
	if len(r.Points) != 0 {
		t.Errorf("read again 60 ms after a read that took %.2f ms: want none before %.0f ms", took*1e3, took*200e3)
	}
}
