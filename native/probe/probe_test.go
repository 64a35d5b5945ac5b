package probe

import (
	"errors"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/probe/internal/arenas"
)

const fixturePID = 4242

func fixtureEnv(tree string) Env {
	return Env{ProcRoot: "testdata/" + tree + "/proc", SysRoot: "testdata/" + tree + "/sys", PID: fixturePID}
}

// collect runs the named probes on a fixture tree and keys each value as name{k=v,...}.
func collect(t *testing.T, env Env, names ...string) map[string]float64 {
	t.Helper()
	s, err := NewSet(env, names)
	if err != nil {
		t.Fatal(err)
	}
	var r Recorder
	s.Collect(&r)
	out := map[string]float64{}
	for _, p := range r.Points {
		m := catalog.Metrics[p.Metric]
		var kv []string
		for _, a := range p.Attrs.ToSlice() {
			kv = append(kv, string(a.Key)+"="+a.Value.Emit())
		}
		key := m.Name
		if len(kv) > 0 {
			key += "{" + strings.Join(kv, ",") + "}"
		}
		v := float64(p.Int)
		if m.Value == catalog.Double {
			v = p.Float
		}
		out[key] = v
	}
	return out
}

func expect(t *testing.T, got map[string]float64, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: missing", k)
		} else if g != v {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
}

func TestProcessProbe(t *testing.T) {
	got := collect(t, fixtureEnv("v2"), "process")
	expect(t, got, map[string]float64{
		"process.memory.usage":                                   2000000 * 1024,
		"process.memory.virtual":                                 5000000 * 1024,
		"sparkotel.process.memory.peak":                          3000000 * 1024,
		"sparkotel.process.memory.swap":                          12 * 1024,
		"sparkotel.process.memory.rss{sparkotel.rss.kind=anon}":  1500000 * 1024,
		"sparkotel.process.memory.rss{sparkotel.rss.kind=file}":  400000 * 1024,
		"sparkotel.process.memory.rss{sparkotel.rss.kind=shmem}": 100000 * 1024,
		"process.thread.count":                                   123,
		"process.cpu.time{cpu.mode=user}":                        2.5,
		"process.cpu.time{cpu.mode=system}":                      0.5,
		"process.paging.faults{system.paging.fault.type=major}":  7,
		"process.paging.faults{system.paging.fault.type=minor}":  5000,
		"process.unix.file_descriptor.count":                     5,
		"sparkotel.probe.errors{sparkotel.probe=process}":        0,
	})
}

func TestChildrenProbeFollowsTheTreeBelowThePID(t *testing.T) {
	got := collect(t, fixtureEnv("v2"), "children")
	expect(t, got, map[string]float64{
		// daemon 5000 and its worker 5001 (a grandchild); 6000 is a python of another parent
		"sparkotel.children.count{sparkotel.child.kind=python}":        2,
		"sparkotel.children.memory.usage{sparkotel.child.kind=python}": float64(30000 * pageSize),
		"sparkotel.children.count{sparkotel.child.kind=other}":         1,
		"sparkotel.children.memory.usage{sparkotel.child.kind=other}":  float64(1000 * pageSize),
	})
}

func TestSystemProbe(t *testing.T) {
	got := collect(t, fixtureEnv("v2"), "system")
	expect(t, got, map[string]float64{
		"system.memory.limit":                                                   16000000 * 1024,
		"system.memory.linux.available":                                         9000000 * 1024,
		"system.memory.usage{system.memory.state=used}":                         (16000000 - 2000000 - 500000 - 6000000) * 1024,
		"system.memory.usage{system.memory.state=free}":                         2000000 * 1024,
		"system.memory.usage{system.memory.state=buffers}":                      500000 * 1024,
		"system.memory.usage{system.memory.state=cached}":                       6000000 * 1024,
		"sparkotel.system.memory.pressure{sparkotel.psi.scope=some}":            1.5,
		"sparkotel.system.memory.pressure{sparkotel.psi.scope=full}":            0.25,
		"sparkotel.system.memory.pressure.stall_time{sparkotel.psi.scope=some}": 2.5,
	})
}

func TestCgroupProbe(t *testing.T) {
	common := map[string]float64{
		"container.memory.usage":                                          3000000000,
		"sparkotel.cgroup.memory.limit":                                   4294967296,
		"sparkotel.cgroup.memory.headroom":                                4294967296 - 3000000000,
		"sparkotel.cgroup.memory.peak":                                    3500000000,
		"sparkotel.cgroup.memory.stat{sparkotel.cgroup.memory.kind=anon}": 2000000000,
		"sparkotel.cgroup.memory.stat{sparkotel.cgroup.memory.kind=file}": 900000000,
		"sparkotel.cgroup.memory.events{sparkotel.cgroup.event=oom_kill}": 1,
		"sparkotel.cgroup.memory.events{sparkotel.cgroup.event=max}":      17,
	}
	t.Run("v2", func(t *testing.T) {
		got := collect(t, fixtureEnv("v2"), "cgroup")
		expect(t, got, common)
		expect(t, got, map[string]float64{
			"sparkotel.cgroup.memory.events{sparkotel.cgroup.event=oom}":  2,
			"sparkotel.cgroup.memory.events{sparkotel.cgroup.event=high}": 4,
			"sparkotel.cgroup.memory.pressure{sparkotel.psi.scope=some}":  12,
			"sparkotel.cgroup.memory.pressure{sparkotel.psi.scope=full}":  8.5,
		})
	})
	t.Run("v1", func(t *testing.T) {
		got := collect(t, fixtureEnv("v1"), "cgroup")
		expect(t, got, common) // total_rss/total_cache win over rss/cache
		if _, ok := got["sparkotel.cgroup.memory.events{sparkotel.cgroup.event=oom}"]; ok {
			t.Error("v1 has no oom event count; it must be absent, not zero")
		}
	})
	t.Run("v1 unlimited: no limit, no headroom", func(t *testing.T) {
		got := collect(t, fixtureEnv("v1-unlimited"), "cgroup")
		expect(t, got, map[string]float64{"container.memory.usage": 123})
		for _, k := range []string{"sparkotel.cgroup.memory.limit", "sparkotel.cgroup.memory.headroom"} {
			if _, ok := got[k]; ok {
				t.Errorf("%s reported for an unlimited cgroup", k)
			}
		}
	})
	t.Run("no cgroup: nothing, no error", func(t *testing.T) {
		got := collect(t, Env{ProcRoot: "testdata/none", SysRoot: "testdata/none", PID: 1}, "cgroup")
		if len(got) != 2 || got["sparkotel.probe.errors{sparkotel.probe=cgroup}"] != 0 {
			t.Errorf("got %v", got)
		}
	})
}

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

type failingProbe struct{ panics bool }

func (p failingProbe) Collect(*Recorder) error {
	if p.panics {
		panic("boom")
	}
	return errors.New("unreadable")
}

func TestSetIsolatesFailuresAndPanics(t *testing.T) {
	s, err := NewSet(fixtureEnv("v2"), []string{"system"})
	if err != nil {
		t.Fatal(err)
	}
	s.probes = append(s.probes,
		namedProbe{name: "bad", probe: failingProbe{}, attrs: attrSet("sparkotel.probe", "bad")},
		namedProbe{name: "panicky", probe: failingProbe{panics: true}, attrs: attrSet("sparkotel.probe", "panicky")})
	var r Recorder
	s.Collect(&r)
	r.Reset()
	s.Collect(&r)
	seen := map[string]float64{}
	for _, p := range r.Points {
		if p.Metric == catalog.ProbeErrors {
			v, _ := p.Attrs.Value("sparkotel.probe")
			seen[v.AsString()] = float64(p.Int)
		}
		if p.Metric == catalog.SystemMemoryLimit {
			seen["system-ran"] = 1
		}
	}
	if seen["bad"] != 2 || seen["panicky"] != 2 || seen["system"] != 0 || seen["system-ran"] != 1 {
		t.Fatalf("errors per probe = %v", seen)
	}
}

func TestUnknownProbeNamesTheAcceptedOnes(t *testing.T) {
	_, err := NewSet(DefaultEnv(), []string{"gpu"})
	if err == nil || !strings.Contains(err.Error(), "cgroup") {
		t.Fatalf("err = %v", err)
	}
}

// TestEveryNativeCatalogueEntryIsProduced runs every probe on both fixture trees (and malloc
// and self on this process) and proves each catalogue entry with a native source appears.
func TestEveryNativeCatalogueEntryIsProduced(t *testing.T) {
	seen := map[string]bool{}
	for _, env := range []Env{fixtureEnv("v2"), fixtureEnv("v1"), DefaultEnv()} {
		for k := range collect(t, env) {
			seen[strings.SplitN(k, "{", 2)[0]] = true
		}
	}
	var missing []string
	for _, m := range catalog.Metrics {
		if m.Pushed() || strings.HasPrefix(m.Name, "sparkotel.export.") || m.Name == "sparkotel.series.refused" {
			continue // pushed by the JVM, or counted by the exporter/core: tested there
		}
		if !seen[m.Name] {
			missing = append(missing, m.Name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("catalogue entries no probe produced: %v", missing)
	}
}

func TestMissingProcessIsAnError(t *testing.T) {
	s, _ := NewSet(Env{ProcRoot: "testdata/none", SysRoot: "testdata/none", PID: 1}, []string{"process"})
	var r Recorder
	s.Collect(&r)
	for _, p := range r.Points {
		if p.Metric == catalog.ProbeErrors && p.Int != 1 {
			t.Fatalf("errors = %d", p.Int)
		}
	}
	if _, err := os.Stat("testdata/none"); err == nil {
		t.Fatal("testdata/none must not exist")
	}
}

func TestChildrenProbeSeesNewChildrenBetweenRescans(t *testing.T) {
	root := t.TempDir()
	write := func(pid, ppid int, comm string) { writeStat(t, root, pid, ppid, comm) }
	write(100, 1, "java")
	write(200, 1, "other") // foreign: skipped after the first cycle
	p := newChildrenProbe(Env{ProcRoot: root, PID: 100})
	expectPython(t, p, 0, "python children")
	write(300, 100, "python3") // a new worker appears mid-way between rescans
	write(301, 300, "python3")
	expectPython(t, p, 2, "new python children not seen")
	_ = os.RemoveAll(root + "/301")
	expectPython(t, p, 1, "exited child still counted")
}

func TestChildrenProbeListsProcOnlyWhenAPidWasHandedOut(t *testing.T) {
	root := t.TempDir()
	write := func(pid, ppid int, comm string) { writeStat(t, root, pid, ppid, comm) }
	lastPID := func(pid int) {
		if err := os.WriteFile(root+"/loadavg", []byte("0.50 0.40 0.30 2/180 "+strconv.Itoa(pid)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(100, 1, "java")
	write(300, 100, "python3")
	write(301, 300, "python3")
	lastPID(301)
	p := newChildrenProbe(Env{ProcRoot: root, PID: 100})
	expectPython(t, p, 2, "python children")
	// No pid handed out: /proc is not listed, so even a planted entry stays unseen...
	write(302, 300, "python3")
	expectPython(t, p, 2, "listed /proc although the last pid did not move")
	// ...but the known descendants are re-read, so an exit shows at once.
	_ = os.RemoveAll(root + "/301")
	expectPython(t, p, 1, "exited child still counted")
	lastPID(302) // a pid was handed out: list again
	expectPython(t, p, 2, "new child not seen after the last pid moved")
}

func TestOpenDescriptorsCountedExactlyOnRealProc(t *testing.T) {
	p := newProcessProbe(DefaultEnv()).(*processProbe)
	var want int
	for _, mode := range []fdCounting{p.fds, fdsByOwnListing} { // the kernel's way, then the listing
		p.fds = mode
		before, err := p.countFDs()
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open("/proc/self/status")
		if err != nil {
			t.Fatal(err)
		}
		after, _ := p.countFDs()
		f.Close()
		if after != before+1 {
			t.Fatalf("mode %d: %d descriptors, then %d with one more open", mode, before, after)
		}
		if want == 0 {
			want = before
		} else if before != want {
			t.Fatalf("mode %d counts %d, the first way %d", mode, before, want)
		}
	}
}

// writeStat puts a /proc/<pid>/stat for a process named comm with parent ppid below root.
func writeStat(t *testing.T, root string, pid, ppid int, comm string) {
	dir := root + "/" + strconv.Itoa(pid)
	_ = os.MkdirAll(dir, 0o755)
	line := strconv.Itoa(pid) + " (" + comm + ") S " + strconv.Itoa(ppid) + " 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1000 10 0\n"
	if err := os.WriteFile(dir+"/stat", []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
}

// expectPython runs one cycle of p and fails unless it counted want python children.
func expectPython(t *testing.T, p Probe, want int64, why string) {
	t.Helper()
	var r Recorder
	if err := p.Collect(&r); err != nil {
		t.Fatal(err)
	}
	if n := r.Points[0].Int; n != want {
		t.Fatalf("%s: %d python children, want %d", why, n, want)
	}
}
