package probe

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/sparkotel/sparkotel/native/internal/benchcpu"
	"github.com/sparkotel/sparkotel/native/probe/internal/arenas"
)

// Benchmarks on the real /proc and /sys of this machine; `make bench` records them in
// docs/performance.md.

func BenchmarkProbe(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			s, err := NewSet(DefaultEnv(), []string{name})
			if err != nil {
				b.Fatal(err)
			}
			var r Recorder
			b.ReportAllocs()
			benchcpu.Measure(b, func() { r.Reset(); s.Collect(&r) })
		})
	}
}

// BenchmarkAllProbesButMalloc is the native share of one sample against the 100 µs target.
func BenchmarkAllProbesButMalloc(b *testing.B) {
	var names []string
	for _, n := range Names() {
		if n != "malloc" {
			names = append(names, n)
		}
	}
	s, _ := NewSet(DefaultEnv(), names)
	var r Recorder
	b.ReportAllocs()
	benchcpu.Measure(b, func() { r.Reset(); s.Collect(&r) })
	b.ReportMetric(float64(len(r.Points)), "points")
}

// BenchmarkChildren measures the descendant scan against the number of processes below us,
// on a generated /proc-like tree (a chain of python workers under pid 1000).
func BenchmarkChildren(b *testing.B) {
	for _, n := range []int{0, 10, 100, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			root := b.TempDir()
			for i := 0; i <= n; i++ {
				pid, ppid := 1000+i, 999+i
				dir := filepath.Join(root, strconv.Itoa(pid))
				_ = os.MkdirAll(dir, 0o755)
				line := fmt.Sprintf("%d (python3) S %d 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1000 250 0\n", pid, ppid)
				_ = os.WriteFile(filepath.Join(dir, "stat"), []byte(line), 0o644)
			}
			p := newChildrenProbe(Env{ProcRoot: root, PID: 1000})
			var r Recorder
			b.ReportAllocs()
			benchcpu.Measure(b, func() { r.Reset(); _ = p.Collect(&r) })
		})
	}
}

// BenchmarkMallinfoArenas: mallinfo locks and walks every arena (one read, unspaced).
func BenchmarkMallinfoArenas(b *testing.B) {
	if MallocAPI() == "" {
		b.Skip("not glibc")
	}
	made := 0
	for _, n := range []int{1, 4, 16, 64} {
		made += arenas.Spawn(n - made)
		b.Run(fmt.Sprintf("threads_%d", n), func(b *testing.B) {
			benchcpu.Measure(b, func() { _ = mallinfoNow() })
		})
	}
}

// BenchmarkMallinfoFreeChunks: mallinfo walks every free chunk under its arena's lock; a heap
// fragmented by many small frees makes one read long (reads are spaced by their cost).
func BenchmarkMallinfoFreeChunks(b *testing.B) {
	if MallocAPI() == "" {
		b.Skip("not glibc")
	}
	for _, n := range []int{1000, 100000, 1000000} {
		b.Run(fmt.Sprintf("free_%d", n), func(b *testing.B) {
			_, release := arenas.Fragment(2 * n)
			defer release()
			benchcpu.Measure(b, func() { _ = mallinfoNow() })
		})
	}
}
