package probe

import (
	"testing"
)

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
