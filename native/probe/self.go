package probe

import (
	"runtime/metrics"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register(catalog.SparkotelProbeSelf, newSelfProbe) }

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

// selfRecorders record the samples, in order.
var selfRecorders = [...]func(*Recorder, int64){(*Recorder).RecordSelfMemoryHeap, (*Recorder).RecordSelfMemoryTotal,
	(*Recorder).RecordSelfGoroutines, (*Recorder).RecordSelfThreads}

func (p *selfProbe) Collect(r *Recorder) error {
	metrics.Read(p.samples)
	for i, s := range p.samples {
		if s.Value.Kind() == metrics.KindUint64 {
			selfRecorders[i](r, int64(s.Value.Uint64()))
		}
	}
	return nil
}
