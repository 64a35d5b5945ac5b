package probe

import (
	"runtime/metrics"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register("self", newSelfProbe) }

// selfProbe makes our own overhead visible. runtime/metrics reads without stopping the
// world, unlike runtime.ReadMemStats.
type selfProbe struct{ samples []metrics.Sample }

func newSelfProbe(Env) Probe {
	return &selfProbe{samples: []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/sched/threads/total:threads"}, // live now, not ever created
	}}
}

func (p *selfProbe) Collect(r *Recorder) error {
	metrics.Read(p.samples)
	ids := [...]catalog.ID{catalog.SelfMemoryHeap, catalog.SelfMemoryTotal, catalog.SelfGoroutines, catalog.SelfThreads}
	for i, s := range p.samples {
		if s.Value.Kind() == metrics.KindUint64 {
			r.Int(ids[i], none, int64(s.Value.Uint64()))
		}
	}
	return nil
}
