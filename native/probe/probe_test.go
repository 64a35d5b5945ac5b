package probe

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
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
		checkAttributes(t, m, p.Attrs)
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

// checkAttributes fails unless attrs carries exactly the metric's declared attributes, each
// with one of its declared values.
func checkAttributes(t *testing.T, m catalog.Metric, attrs attribute.Set) {
	t.Helper()
	if attrs.Len() != len(m.Attributes) {
		t.Errorf("%s: attributes %v, declared %v", m.Name, attrs.ToSlice(), m.Attributes)
		return
	}
	for _, key := range m.Attributes {
		v, ok := attrs.Value(attribute.Key(key))
		a, _ := catalog.AttributeByKey(key)
		if !ok || a.Values != nil && !slices.Contains(a.Values, v.AsString()) {
			t.Errorf("%s: %s=%q; declared values %v", m.Name, key, v.Emit(), a.Values)
		}
	}
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
		namedProbe{name: catalog.SparkotelProbeCgroup, probe: failingProbe{}},
		namedProbe{name: catalog.SparkotelProbeMalloc, probe: failingProbe{panics: true}})
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
	if seen["cgroup"] != 2 || seen["malloc"] != 2 || seen["system"] != 0 || seen["system-ran"] != 1 {
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

// TestEveryDeclaredProbeIsRegistered: the catalogue's values of sparkotel.probe are the probes.
func TestEveryDeclaredProbeIsRegistered(t *testing.T) {
	a, _ := catalog.AttributeByKey("sparkotel.probe")
	got, want := slices.Sorted(slices.Values(Names())), slices.Sorted(slices.Values(a.Values))
	if !slices.Equal(got, want) {
		t.Fatalf("probes %v; sparkotel.probe declares %v", got, want)
	}
}

// TestRecordingAllocatesNothing: the recorders copy attribute sets built at start.
func TestRecordingAllocatesNothing(t *testing.T) {
	r := Recorder{Points: make([]Point, 0, 4)}
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset()
		r.RecordMallocMemory(catalog.MallocStateInUse, 1)
		r.RecordProcessCpuTime(catalog.CpuModeUser, 2)
		r.RecordSystemMemoryLimit(3)
	})
	if allocs != 0 || len(r.Points) != 3 {
		t.Fatalf("%v allocations, %d points", allocs, len(r.Points))
	}
}
