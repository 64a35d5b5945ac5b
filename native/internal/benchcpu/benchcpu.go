// Package benchcpu reports CPU time per benchmark operation (user + system, whole process):
// the cost targets are in CPU, and much of a probe's cost is kernel time reading /proc,
// which wall time on a busy machine would misstate.
package benchcpu

import (
	"syscall"
	"testing"
)

func cpuNanos() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// Measure runs the benchmark loop body and reports cpu-ns/op.
func Measure(b *testing.B, op func()) {
	start := cpuNanos()
	for b.Loop() {
		op()
	}
	b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
}
