package probe

import (
	"fmt"
	"os"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
)

// Env says where a probe looks: tests point the roots at fixture trees.
type Env struct {
	ProcRoot string // "/proc"
	SysRoot  string // "/sys"
	PID      int    // the process to describe (the JVM: our own pid)
}

// DefaultEnv describes this process on the real /proc and /sys.
func DefaultEnv() Env { return Env{ProcRoot: "/proc", SysRoot: "/sys", PID: os.Getpid()} }

// Point is one observed value. Which of Int and Float holds it follows the catalogue entry.
type Point struct {
	Metric catalog.ID
	Attrs  attribute.Set
	Int    int64
	Float  float64
}

// Recorder collects the points of one cycle; its slice is reused across cycles. Probes record
// through its generated Record methods (record_gen.go), one per catalogue metric, which take
// the typed value of the metric's attribute: no probe spells an attribute key or value.
type Recorder struct{ Points []Point }

// Reset empties the recorder, keeping its capacity.
func (r *Recorder) Reset() { r.Points = r.Points[:0] }

func (r *Recorder) addInt(m catalog.ID, attrs attribute.Set, v int64) {
	r.Points = append(r.Points, Point{Metric: m, Attrs: attrs, Int: v})
}

func (r *Recorder) addFloat(m catalog.ID, attrs attribute.Set, v float64) {
	r.Points = append(r.Points, Point{Metric: m, Attrs: attrs, Float: v})
}

// Probe reads one source.
type Probe interface {
	// Collect records the source's current values. An error means the values are missing
	// for this cycle; Set counts it and the other probes still run.
	Collect(r *Recorder) error
}

// factories holds every probe by name, in the order they run; each file adds its own. The
// names are the catalogue's values of sparkotel.probe.
var factories []struct {
	name catalog.SparkotelProbe
	new  func(Env) Probe
}

func register(name catalog.SparkotelProbe, f func(Env) Probe) {
	factories = append(factories, struct {
		name catalog.SparkotelProbe
		new  func(Env) Probe
	}{name, f})
}

// Names lists every probe, in run order.
func Names() []string {
	out := make([]string, len(factories))
	for i, f := range factories {
		out[i] = f.name.String()
	}
	return out
}

// Set runs a chosen group of probes, timing each and isolating its failures and panics.
type Set struct {
	probes []namedProbe
	now    func() time.Time
}

type namedProbe struct {
	name     catalog.SparkotelProbe
	probe    Probe
	errors   int64
	duration time.Duration
}

// NewSet builds the named probes (all of them when names is empty). Unknown names are an
// error listing the accepted ones.
func NewSet(env Env, names []string) (*Set, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	s := &Set{now: time.Now}
	for _, f := range factories {
		if len(names) == 0 || want[f.name.String()] {
			s.probes = append(s.probes, namedProbe{name: f.name, probe: f.new(env)})
			delete(want, f.name.String())
		}
	}
	for n := range want {
		return nil, fmt.Errorf("unknown probe %q; accepted: %v", n, Names())
	}
	return s, nil
}

// Collect runs every probe into r, then records each probe's duration and error count.
func (s *Set) Collect(r *Recorder) {
	for i := range s.probes {
		p := &s.probes[i]
		start := s.now()
		if err := safeCollect(p.probe, r); err != nil {
			p.errors++
		}
		p.duration = s.now().Sub(start)
	}
	for i := range s.probes {
		p := &s.probes[i]
		r.RecordProbeDuration(p.name, p.duration.Seconds())
		r.RecordProbeErrors(p.name, p.errors)
	}
}

func safeCollect(p Probe, r *Recorder) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("probe panicked: %v", v)
		}
	}()
	return p.Collect(r)
}
