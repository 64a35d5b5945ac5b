package core

import (
	"testing"
	"time"

	"github.com/sparkotel/sparkotel/native/internal/benchcpu"
)

// BenchmarkPush: one JVM batch of 150 readings copied into the core (the JNI crossing is
// measured on the JVM side). Target: <= 1 µs per reading, 0 allocations.
func BenchmarkPush(b *testing.B) {
	if _, err := Start(quiet); err != nil {
		b.Fatal(err)
	}
	defer Stop(time.Second)
	entries := make([]any, 0, 300)
	for i := 0; i < 150; i++ {
		entries = append(entries, int32(i), float64(i))
	}
	batch := batch(1, entries...)
	b.ReportAllocs()
	benchcpu.Measure(b, func() { _ = Push(0, batch) })
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/150, "ns/reading")
}
