package core

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/config"
	"github.com/sparkotel/sparkotel/native/export"
	"github.com/sparkotel/sparkotel/native/probe"
)

// Runtime is the state of a started core.
type Runtime struct {
	Config   config.Config
	host     Host
	series   *seriesTable
	pipeline *export.Pipeline
	users    int // Start calls not yet matched by Stop
}

var (
	lifecycle sync.Mutex
	current   atomic.Pointer[Runtime]
)

// Start starts the process-wide core with kv, or joins the running one (attached == true;
// kv is then ignored: the first starter configures the process). It returns the effective
// configuration, which the caller uses rather than parsing keys itself. Every Start must
// be matched by a Stop; the last Stop shuts the core down. Configuration problems fail the
// start with every bad key named, unless config.lenient=true (then defaults are used and
// the problems are logged).
func Start(kv map[string]string, host Host) (cfg config.Config, attached bool, err error) {
	lifecycle.Lock()
	defer lifecycle.Unlock()
	if rt := current.Load(); rt != nil {
		rt.users++
		return rt.Config, true, nil
	}
	setLogHost(host)
	cfg, warnings, err := config.Parse(kv, probe.Names())
	if err != nil {
		return cfg, false, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	for _, w := range warnings {
		Log("WARN", "sparkotel: "+w)
	}
	cfg.Version = Version
	// A small runtime inside a big JVM: few Ps, a memory limit, and collections at +50%
	// rather than +100% (the live heap is a few MB and the garbage a few KB a cycle).
	runtime.GOMAXPROCS(cfg.GoMaxProcs)
	debug.SetMemoryLimit(cfg.GoMemLimit)
	debug.SetGCPercent(50)
	rt := &Runtime{Config: cfg, host: host, series: newSeriesTable(), users: 1}
	// Start-up's garbage (gRPC's set-up, the first series) goes back to the OS once the
	// first export is over, rather than at the scavenger's pace.
	rt.pipeline, err = export.Start(cfg, rt, Log, debug.FreeOSMemory)
	if err != nil {
		return cfg, false, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	current.Store(rt)
	return cfg, false, nil
}

// Stop releases one Start. The last one shuts the core down, delivering a final export
// within timeout; Stop never blocks longer than timeout.
func Stop(timeout time.Duration) error {
	lifecycle.Lock()
	defer lifecycle.Unlock()
	rt := current.Load()
	if rt == nil {
		return ErrNotRunning
	}
	if rt.users--; rt.users > 0 {
		return nil
	}
	current.Store(nil)
	if err := rt.pipeline.Shutdown(timeout); err != nil {
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	return nil
}

func running() (*Runtime, error) {
	rt := current.Load()
	if rt == nil {
		return nil, ErrNotRunning
	}
	return rt, nil
}

// DefineSeries registers a series spec ("name\tkey=value...") and returns its id.
func DefineSeries(spec string) (int32, error) {
	rt, err := running()
	if err != nil {
		return -1, err
	}
	return rt.series.define(spec)
}

// ReleaseSeries drops one definition of id; its values stop being exported once the last
// definition is released.
func ReleaseSeries(id int32) error {
	rt, err := running()
	if err != nil {
		return err
	}
	return rt.series.release(id)
}

// Current returns the running core, or nil.
func Current() *Runtime { return current.Load() }

// EachReading visits the latest value of every live series in the host's batches.
func (rt *Runtime) EachReading(fn func(s *Series, r Reading)) {
	rt.host.Batches(func(_ int, b []byte) {
		eachInBatch(b, func(r Reading) {
			if s := rt.series.lookup(r.Series); s != nil {
				fn(s, r)
			}
		})
	})
}

// EachPushed implements export.Pushed. An entry with a part its metric does not take (a
// non-zero part of a plain metric, a bucket a histogram does not have) is skipped.
func (rt *Runtime) EachPushed(fn func(m catalog.ID, attrs attribute.Set, part int, v float64)) {
	rt.EachReading(func(s *Series, r Reading) {
		if s.Forwarded == "" && r.Part >= 0 && int(r.Part) < parts(s.Metric) {
			fn(s.Metric, s.Set, int(r.Part), r.Value)
		}
	})
}

// parts is how many entries a value of metric m takes: one, or a histogram's sum and buckets.
func parts(m catalog.ID) int {
	if e := catalog.Metrics[m]; e.Instrument == catalog.Histogram {
		return HistogramPartBucket0 + len(e.Buckets) + 1
	}
	return 1
}

// EachForwarded implements export.Pushed.
func (rt *Runtime) EachForwarded(fn func(name, kind string, attrs attribute.Set, v float64, unixNanos int64)) {
	rt.EachReading(func(s *Series, r Reading) {
		if s.Forwarded != "" {
			fn(s.Name, s.Forwarded, s.Set, r.Value, r.UnixNanos)
		}
	})
}

// Refused implements export.Pushed.
func (rt *Runtime) Refused() int64 { return rt.series.refused.Load() }

// Flush has the core collect and send now, without waiting for it (near a memory limit the
// JVM wants each sample out before the process may be killed).
func Flush() error {
	rt, err := running()
	if err != nil {
		return err
	}
	rt.pipeline.Flush(rt.Config.Timeout)
	return nil
}

// Native returns the newest native values for the JVM's evidence (export.Native*), or false
// when the core is not running.
func Native() ([export.NativeFields]int64, bool) {
	rt := current.Load()
	if rt == nil {
		return [export.NativeFields]int64{}, false
	}
	return rt.pipeline.Native(), true
}
