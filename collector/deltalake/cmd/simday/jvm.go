package main

import (
	"fmt"
	"math"
)

// series is one metric of a JVM's collection: a point per attribute set, every `every` seconds.
type series struct {
	name  string
	unit  string
	sum   bool // a counter or up-down counter: the sum table (cumulative); else the gauge table
	mono  bool
	every int
	attrs [][]string // key, value, key, value ... per point; nil: one point without attributes
	stage bool       // one point, attributed to the stage running at that second
	value func(j *jvm, s int, i int) float64
}

// jvm is one simulated executor (or the driver) of one application.
type jvm struct {
	id      string
	index   int
	app     string
	appName string
	host    string
	gcEvery int // seconds between young GCs: the heap's sawtooth
	python  bool
}

const (
	mib  = 1 << 20
	gib  = 1 << 30
	heap = 8 * gib
)

// noise is a deterministic value in [0, 1) for (JVM, second, salt), so runs are reproducible.
func noise(j *jvm, s, salt int) float64 {
	x := uint64(j.index)*0x9E3779B97F4A7C15 ^ uint64(s)*0xBF58476D1CE4E5B9 ^ uint64(salt)*0x94D049BB133111EB
	x ^= x >> 31
	x *= 0xD6E8FEB86659FD93
	x ^= x >> 29
	return float64(x>>11) / (1 << 53)
}

func (j *jvm) heapUsed(s int) float64 {
	phase := float64(s%j.gcEvery) / float64(j.gcEvery)
	return 1.2*gib + phase*3*gib + noise(j, s, 1)*64*mib + math.Sin(float64(s)/900)*gib
}

func (j *jvm) rss(s int) float64 {
	return 6*gib + 400*mib + j.directUsed(s) + 300*mib + noise(j, s, 2)*128*mib + float64(s%3600)*20*1024
}

func (j *jvm) directUsed(s int) float64 { return 64*mib + noise(j, s/10, 3)*192*mib }

func (j *jvm) pythonRSS(s int) float64 {
	if !j.python {
		return 0
	}
	return 300*mib + noise(j, s/5, 4)*700*mib
}

// stage is the stage the JVM runs tasks of at second s: a new one every five minutes.
func stage(s int) int { return s / 300 }

func set(kv ...string) []string { return kv }

func sets(key string, values ...string) [][]string {
	out := make([][]string, len(values))
	for i, v := range values {
		out[i] = []string{key, v}
	}
	return out
}

func cross(k1 string, v1 []string, k2 string, v2 []string) [][]string {
	var out [][]string
	for _, a := range v1 {
		for _, b := range v2 {
			out = append(out, []string{k1, a, k2, b})
		}
	}
	return out
}

func constant(v float64) func(*jvm, int, int) float64 {
	return func(*jvm, int, int) float64 { return v }
}

func noisy(base, spread float64) func(*jvm, int, int) float64 {
	return func(j *jvm, s, i int) float64 { return base + spread*noise(j, s, 100+i) }
}

func counter(perSecond float64) func(*jvm, int, int) float64 {
	return func(j *jvm, s, i int) float64 { return math.Floor(perSecond * float64(s) * (1 + float64(i%3)/4)) }
}

var pools = []string{"G1 Eden Space", "G1 Old Gen", "G1 Survivor Space", "Metaspace", "Compressed Class Space",
	"CodeHeap 'non-nmethods'", "CodeHeap 'profiled nmethods'", "CodeHeap 'non-profiled nmethods'"}

func poolSets() [][]string {
	var out [][]string
	for i, p := range pools {
		typ := "non_heap"
		if i < 3 {
			typ = "heap"
		}
		out = append(out, []string{"jvm.memory.type", typ, "jvm.memory.pool.name", p})
	}
	return out
}

func nativeSets() [][]string {
	cats := []string{"Java Heap", "Class", "Thread", "Code", "GC", "Compiler", "Internal", "Other", "Symbol",
		"Native Memory Tracking", "Arena Chunk", "Metaspace"}
	return cross("sparkotel.jvm.native.category", cats, "sparkotel.jvm.native.state", []string{"reserved", "committed"})
}

// catalog is what one JVM sends each second: the metrics the report reads, with the attribute
// sets sparkotel gives them (native/catalog/metrics.yaml), and enough of the others to make
// the JVM's series count what a real executor has.
func catalog() []series {
	area := cross("jvm.memory.type", []string{"heap", "non_heap"}, "sparkotel.jvm.memory.measure", []string{"used", "committed", "limit"})
	probes := sets("sparkotel.probe", "process", "children", "system", "cgroup", "malloc", "self")
	return []series{
		{name: "sparkotel.jvm.memory.area", unit: "By", every: 1, attrs: area, value: func(j *jvm, s, i int) float64 {
			switch i {
			case 0:
				return j.heapUsed(s)
			case 1:
				return 5*gib + float64(s%1800)/1800*gib
			case 2:
				return heap
			case 3:
				return 180*mib + noise(j, s/60, 5)*20*mib
			case 4:
				return 220*mib + noise(j, s/60, 6)*20*mib
			}
			return 2 * gib
		}},
		{name: "sparkotel.malloc.memory", unit: "By", every: 5, attrs: sets("sparkotel.malloc.state", "in_use", "free", "releasable", "mmapped"),
			value: func(j *jvm, s, i int) float64 {
				return []float64{j.directUsed(s) + 300*mib, 40 * mib, 8 * mib, 256 * mib}[i]
			}},
		{name: "sparkotel.malloc.read.duration", unit: "s", every: 5, value: noisy(0.002, 0.003)},
		{name: "sparkotel.children.memory.usage", unit: "By", every: 1, attrs: sets("sparkotel.child.kind", "python", "other"),
			value: func(j *jvm, s, i int) float64 { return []float64{j.pythonRSS(s), 0}[i] }},
		{name: "sparkotel.children.count", unit: "{process}", every: 1, attrs: sets("sparkotel.child.kind", "python", "other"), value: constant(1)},
		{name: "container.memory.usage", unit: "By", every: 1, value: func(j *jvm, s, i int) float64 { return j.rss(s) + j.pythonRSS(s) + 200*mib }},
		{name: "sparkotel.cgroup.memory.limit", unit: "By", every: 1, value: constant(11 * gib)},
		{name: "sparkotel.cgroup.memory.peak", unit: "By", every: 1, value: noisy(9*gib, gib)},
		{name: "sparkotel.cgroup.memory.headroom", unit: "By", every: 1, value: noisy(2*gib, gib)},
		{name: "sparkotel.cgroup.memory.stat", unit: "By", every: 1, attrs: sets("sparkotel.cgroup.memory.kind", "anon", "file"), value: noisy(3*gib, gib)},
		{name: "sparkotel.cgroup.memory.pressure", unit: "%", every: 1, attrs: sets("sparkotel.psi.scope", "some", "full"), value: noisy(0, 2)},
		{name: "sparkotel.container.memory.budget", unit: "By", every: 1, value: constant(10 * gib)},
		{name: "sparkotel.spark.memory.used", unit: "By", every: 1,
			attrs: cross("sparkotel.spark.memory.pool", []string{"execution", "storage"}, "sparkotel.spark.memory.mode", []string{"on_heap", "off_heap"}),
			value: func(j *jvm, s, i int) float64 { return []float64{j.heapUsed(s) / 3, 0, gib / 2, 0}[i] }},
		{name: "sparkotel.spark.memory.storage.limit", unit: "By", every: 1, attrs: sets("sparkotel.spark.memory.mode", "on_heap", "off_heap"),
			value: func(j *jvm, s, i int) float64 { return []float64{2*gib + noise(j, s, 7)*gib, 0}[i] }},
		{name: "sparkotel.spark.stage.tasks.active", unit: "{task}", every: 1, stage: true, value: func(j *jvm, s, i int) float64 { return 1 + float64(s%4) }},
		{name: "sparkotel.process.memory.peak", unit: "By", every: 1, value: noisy(7*gib, gib)},
		{name: "sparkotel.process.memory.rss", unit: "By", every: 1, attrs: sets("sparkotel.rss.kind", "anon", "file", "shmem"), value: noisy(gib, gib)},
		{name: "sparkotel.process.memory.swap", unit: "By", every: 1, value: constant(0)},
		{name: "sparkotel.system.memory.pressure", unit: "%", every: 1, attrs: sets("sparkotel.psi.scope", "some", "full"), value: noisy(0, 1)},
		{name: "sparkotel.self.memory.heap", unit: "By", every: 1, value: noisy(4*mib, mib)},
		{name: "sparkotel.self.memory.total", unit: "By", every: 1, value: noisy(12*mib, mib)},
		{name: "sparkotel.self.goroutines", unit: "{goroutine}", every: 1, value: constant(9)},
		{name: "sparkotel.self.threads", unit: "{thread}", every: 1, value: constant(7)},
		{name: "sparkotel.probe.duration", unit: "s", every: 1, attrs: probes, value: noisy(0.0001, 0.0005)},
		{name: "sparkotel.jvm.thread.peak", unit: "{thread}", every: 1, value: constant(120)},
		{name: "jvm.cpu.recent_utilization", unit: "1", every: 1, value: noisy(0.3, 0.7)},
		{name: "process.uptime", unit: "s", every: 1, value: func(j *jvm, s, i int) float64 { return float64(s) }},
		{name: "sparkotel.jvm.native.memory", unit: "By", every: 1, attrs: nativeSets(), value: noisy(64*mib, 64*mib)},

		{name: "process.memory.usage", unit: "By", sum: true, every: 1, value: func(j *jvm, s, i int) float64 { return j.rss(s) }},
		{name: "process.memory.virtual", unit: "By", sum: true, every: 1, value: noisy(20*gib, gib)},
		{name: "process.thread.count", unit: "{thread}", sum: true, every: 1, value: noisy(110, 20)},
		{name: "process.cpu.time", unit: "s", sum: true, mono: true, every: 1, attrs: sets("cpu.mode", "user", "system"), value: counter(1.4)},
		{name: "process.paging.faults", unit: "{fault}", sum: true, mono: true, every: 1, attrs: sets("system.paging.fault.type", "major", "minor"), value: counter(300)},
		{name: "process.unix.file_descriptor.count", unit: "{file_descriptor}", sum: true, every: 1, value: noisy(300, 50)},
		{name: "system.memory.limit", unit: "By", sum: true, every: 1, value: constant(64 * gib)},
		{name: "system.memory.usage", unit: "By", sum: true, every: 1, attrs: sets("system.memory.state", "used", "free", "buffers", "cached"), value: noisy(10*gib, 5*gib)},
		{name: "system.memory.linux.available", unit: "By", sum: true, every: 1, value: noisy(30*gib, 5*gib)},
		{name: "sparkotel.system.memory.pressure.stall_time", unit: "s", sum: true, mono: true, every: 1, attrs: sets("sparkotel.psi.scope", "some", "full"), value: counter(0.001)},
		{name: "sparkotel.cgroup.memory.events", unit: "{event}", sum: true, mono: true, every: 1, attrs: sets("sparkotel.cgroup.event", "oom", "oom_kill", "max", "high"), value: constant(0)},
		{name: "sparkotel.probe.errors", unit: "{error}", sum: true, mono: true, every: 1, attrs: probes, value: constant(0)},
		{name: "jvm.memory.used", unit: "By", sum: true, every: 1, attrs: poolSets(), value: noisy(100*mib, 900*mib)},
		{name: "jvm.memory.committed", unit: "By", sum: true, every: 1, attrs: poolSets(), value: noisy(200*mib, 900*mib)},
		{name: "jvm.memory.limit", unit: "By", sum: true, every: 1, attrs: poolSets(), value: constant(heap)},
		{name: "jvm.memory.used_after_last_gc", unit: "By", sum: true, every: 1, attrs: poolSets()[:3], value: noisy(100*mib, 900*mib)},
		{name: "jvm.buffer.memory.used", unit: "By", sum: true, every: 1, attrs: sets("jvm.buffer.pool.name", "direct", "mapped", "mapped - 'non-volatile memory'"),
			value: func(j *jvm, s, i int) float64 { return []float64{j.directUsed(s), 0, 0}[i] }},
		{name: "jvm.buffer.memory.limit", unit: "By", sum: true, every: 1, attrs: sets("jvm.buffer.pool.name", "direct", "mapped", "mapped - 'non-volatile memory'"), value: noisy(gib, 0)},
		{name: "jvm.buffer.count", unit: "{buffer}", sum: true, every: 1, attrs: sets("jvm.buffer.pool.name", "direct", "mapped", "mapped - 'non-volatile memory'"), value: noisy(40, 10)},
		{name: "sparkotel.jvm.gc.count", unit: "{collection}", sum: true, mono: true, every: 1, attrs: sets("jvm.gc.name", "G1 Young Generation", "G1 Old Generation"), value: counter(0.05)},
		{name: "sparkotel.jvm.gc.time", unit: "s", sum: true, mono: true, every: 1, attrs: sets("jvm.gc.name", "G1 Young Generation", "G1 Old Generation"), value: counter(0.002)},
		{name: "jvm.thread.count", unit: "{thread}", sum: true, every: 1, attrs: sets("jvm.thread.daemon", "true", "false"), value: noisy(50, 20)},
		{name: "jvm.class.loaded", unit: "{class}", sum: true, mono: true, every: 1, value: constant(21000)},
		{name: "jvm.class.count", unit: "{class}", sum: true, every: 1, value: constant(20500)},
		{name: "jvm.cpu.time", unit: "s", sum: true, mono: true, every: 1, value: counter(1.3)},
		{name: "jvm.cpu.count", unit: "{cpu}", sum: true, every: 1, value: constant(4)},
		{name: "sparkotel.spark.tasks.completed", unit: "{task}", sum: true, mono: true, every: 1, value: counter(0.5)},
	}
}

// perSecond is the average points a JVM sends a second.
func perSecond(cat []series) float64 {
	var n float64
	for _, m := range cat {
		k := max(len(m.attrs), 1)
		n += float64(k) / float64(m.every)
	}
	return n
}

func (j *jvm) String() string { return fmt.Sprintf("%s/%s", j.app, j.id) }
