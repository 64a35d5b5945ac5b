package probe

import (
	"os"
	"testing"

	"github.com/sparkotel/sparkotel/native/catalog"
)

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
