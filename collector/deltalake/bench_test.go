package deltalake

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sparkotel/sparkotel/collector/deltalake/internal/otlpgen"
)

// BenchmarkIngest is the exporter's whole path for one batch of sparkotel-shaped points (100
// executors, ~25 points each, repeated to 100,000 points): OTLP to rows, Parquet (zstd), the
// data files and the Delta commits on local disk. Reports points/s (wall), points per second
// of the process's CPU time (the number that holds on a busy machine), allocation and heap,
// and bytes per point on disk.
func BenchmarkIngest(b *testing.B) {
	dir := b.TempDir()
	e := testExporter(b, dir, nil)
	const rounds = 40 // 40 collections of 100 executors: 100,000 points a batch
	md, c := otlpgen.Build(otlpgen.Shape{GenID: "b", Executors: 100, Pools: 16}, t0)
	for i := 1; i < rounds; i++ {
		more, _ := otlpgen.Build(otlpgen.Shape{GenID: "b", Executors: 100, Pools: 16}, t0.Add(time.Duration(i)*time.Second))
		more.ResourceMetrics().MoveAndAppendTo(md.ResourceMetrics())
	}
	points := c.Total() * rounds
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		if err := e.push(context.Background(), md); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(points)*float64(b.N)/cpu.Seconds(), "points/cpu-s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(points), "alloc-B/point")
	var size int64
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && filepath.Ext(p) == ".parquet" && !strings.Contains(p, "_delta_log") {
			size += info.Size()
		}
		return nil
	})
	b.ReportMetric(float64(size)/float64(points*b.N), "disk-B/point")
	b.ReportMetric(float64(after.HeapSys)/(1<<20), "heap-MiB")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
