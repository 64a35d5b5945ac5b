package export

import (
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/probe"
)

// The native values the JVM's evidence of an executor carries (to the driver, for a verdict
// on its death), in the order of sparkotel.h's SOTEL_NATIVE_* indices.
const (
	NativeRss = iota
	NativeRssAnon
	NativeRssFile
	NativeMallocInUse
	NativeMallocFree
	NativePythonRss
	NativeOtherChildrenRss
	NativeCgroupUsage
	NativeCgroupLimit
	NativeCgroupOOMKills
	NativeMallocMmapped
	NativeFields
)

// nativeSource says which probe point feeds a native field: a metric, and the value of its
// one attribute when it has one.
type nativeSource struct {
	metric     catalog.ID
	key, value attribute.Key
}

var nativeSources = [NativeFields]nativeSource{
	NativeRss:              {metric: catalog.ProcessMemoryUsage},
	NativeRssAnon:          {catalog.ProcessMemoryRss, "sparkotel.rss.kind", "anon"},
	NativeRssFile:          {catalog.ProcessMemoryRss, "sparkotel.rss.kind", "file"},
	NativeMallocInUse:      {catalog.MallocMemory, "sparkotel.malloc.state", "in_use"},
	NativeMallocFree:       {catalog.MallocMemory, "sparkotel.malloc.state", "free"},
	NativePythonRss:        {catalog.ChildrenMemoryUsage, "sparkotel.child.kind", "python"},
	NativeOtherChildrenRss: {catalog.ChildrenMemoryUsage, "sparkotel.child.kind", "other"},
	NativeCgroupUsage:      {metric: catalog.ContainerMemoryUsage},
	NativeCgroupLimit:      {metric: catalog.CgroupMemoryLimit},
	NativeCgroupOOMKills:   {catalog.CgroupMemoryEvents, "sparkotel.cgroup.event", "oom_kill"},
	NativeMallocMmapped:    {catalog.MallocMemory, "sparkotel.malloc.state", "mmapped"},
}

// latest holds each native field's newest value, -1 until a probe has reported it. A field
// whose probe skipped a collection (malloc, spaced by its cost) keeps its last value.
type latest struct{ v [NativeFields]atomic.Int64 }

func newLatest() *latest {
	l := &latest{}
	for i := range l.v {
		l.v[i].Store(-1)
	}
	return l
}

func (l *latest) update(points []probe.Point) {
	for _, p := range points {
		for i, src := range nativeSources {
			if p.Metric != src.metric {
				continue
			}
			if src.key != "" {
				if v, ok := p.Attrs.Value(src.key); !ok || v.AsString() != string(src.value) {
					continue
				}
			}
			l.v[i].Store(p.Int)
		}
	}
}

// Native returns the newest native values, indexed by the Native* constants (-1: unknown).
func (p *Pipeline) Native() (out [NativeFields]int64) {
	for i := range out {
		out[i] = p.snapshot.latest.v[i].Load()
	}
	return out
}
