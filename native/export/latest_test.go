package export

import (
	"context"
	"os"
	"testing"

	"github.com/sparkotel/sparkotel/native/config"
	"github.com/sparkotel/sparkotel/native/probe"
)

// TestNativeReadingsFollowTheProbes: after a collection on the real /proc, the JVM's
// evidence gets this process's RSS and its split, as the probes read them.
func TestNativeReadingsFollowTheProbes(t *testing.T) {
	probes, err := probe.NewSet(probe.Env{ProcRoot: "/proc", SysRoot: "/sys", PID: os.Getpid()}, []string{"process", "children"})
	if err != nil {
		t.Fatal(err)
	}
	s := newSnapshot(config.Config{}, probes, allPushed{}, &countingExporter{})
	p := &Pipeline{snapshot: s}
	if v := p.Native(); v[NativeRss] != -1 || v[NativeCgroupLimit] != -1 {
		t.Fatalf("before any collection: %v, want -1s", v)
	}
	if _, err := s.Produce(context.Background()); err != nil {
		t.Fatal(err)
	}
	v := p.Native()
	if v[NativeRss] <= 0 || v[NativeRssAnon] <= 0 || v[NativeRssAnon] > v[NativeRss] {
		t.Errorf("rss %d, anon %d: want 0 < anon <= rss", v[NativeRss], v[NativeRssAnon])
	}
	if v[NativePythonRss] != 0 || v[NativeMallocInUse] != -1 {
		t.Errorf("python %d (no children: 0), malloc %d (probe not run: -1)", v[NativePythonRss], v[NativeMallocInUse])
	}
}
