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
	"github.com/sparkotel/sparkotel/native/export"
	"github.com/sparkotel/sparkotel/native/pagetrim"
	"github.com/sparkotel/sparkotel/native/probe"
)

// Runtime is the state of a started core.
type Runtime struct {
	Config   export.Config
	series   *seriesTable
	batches  batchStore
	pipeline *export.Pipeline
	users    int // Start calls not yet matched by Stop
	threads  threadKeeper
}

var (
	lifecycle sync.Mutex
	current   atomic.Pointer[Runtime] // read lock-free on the push path
)

// Start starts the process-wide core with kv, or joins the running one (attached == true;
// kv is then ignored: the first starter configures the process). Every Start must be
// matched by a Stop; the last Stop shuts the core down. Configuration problems fail the
// start with every bad key named, unless config.lenient=true (then defaults are used and
// the problems are logged).
func Start(kv map[string]string) (attached bool, err error) {
	lifecycle.Lock()
	defer lifecycle.Unlock()
	if rt := current.Load(); rt != nil {
		rt.users++
		return true, nil
	}
	cfg, warnings, err := export.Parse(kv, probe.Names())
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	for _, w := range warnings {
		Log("WARN", "sparkotel: "+w)
	}
	cfg.Version = Version
	// A small runtime inside a big JVM: one P, and (threadKeeper, once this call has
	// returned to the JVM) no more threads than that needs: sysmon, cgo's template thread
	// and one worker per P.
	runtime.GOMAXPROCS(cfg.GoMaxProcs)
	debug.SetMemoryLimit(cfg.GoMemLimit)
	// The live heap is a few MB and the garbage ~30 KB a cycle: collecting at +50% instead
	// of +100% keeps ~2 MB less resident for a GC every few dozen cycles.
	debug.SetGCPercent(50)
	rt := &Runtime{Config: cfg, series: newSeriesTable(), users: 1}
	rt.threads.keep, rt.threads.next = cfg.GoMaxProcs+2, time.Now().Add(firstTrim)
	rt.pipeline, err = export.Start(cfg, rt, Log, settle)
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	current.Store(rt)
	return false, nil
}

// settle runs once the first export is over: what start-up alone needed is handed back.
// The garbage of start-up (gRPC's set-up, the catalogue's first series) goes back to the OS
// now rather than at the scavenger's pace, and the library's read-only pages that only
// start-up touched leave RSS (see package pagetrim): in an executor exporting over OTLP
// every second, 5.6 MB of the library stay resident where 8.4 MB did.
func settle() {
	debug.FreeOSMemory()
	n, err := pagetrim.ReadOnly()
	if err != nil {
		Log("DEBUG", "sparkotel: start-up pages not handed back: "+err.Error())
		return
	}
	Log("DEBUG", fmt.Sprintf("sparkotel: handed back start-up pages of %d KB of read-only segments", n>>10))
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

// Push stores b as slot's latest batch. It copies b and returns; it never does I/O. The
// library's batches arrive through the batch source instead (the JNI shim's mailboxes),
// into the same store; Push is how Go tests and BenchmarkPush reach it.
func Push(slot int, b []byte) error {
	rt, err := running()
	if err != nil {
		return err
	}
	return rt.batches.push(slot, b)
}

// ClearSlot forgets a slot's batch when its pusher detaches.
func ClearSlot(slot int) {
	if rt := current.Load(); rt != nil {
		rt.batches.clear(slot)
	}
}

// Current returns the running core, or nil.
func Current() *Runtime { return current.Load() }

// batchSource, when set, hands over the batches pushed outside Go since its last call
// (the JNI shim keeps them in C; see sparkotel.h). Set once, before the first Start.
var batchSource func(push func(slot int, b []byte))

// SetBatchSource installs where pushed batches come from besides Push.
func SetBatchSource(f func(push func(slot int, b []byte))) { batchSource = f }

// EachReading takes the batches pushed since the last take, then visits the latest value
// of every live series pushed by the JVM.
func (rt *Runtime) EachReading(fn func(s *Series, r Reading)) {
	if batchSource != nil {
		// The shim checked each batch's header as Push does, so no error can come back.
		batchSource(func(slot int, b []byte) { _ = rt.batches.push(slot, b) })
	}
	rt.eachStored(fn)
}

func (rt *Runtime) eachStored(fn func(s *Series, r Reading)) {
	rt.batches.each(func(r Reading) {
		if s := rt.series.lookup(r.Series); s != nil {
			fn(s, r)
		}
	})
}

// EachPushed implements export.Pushed. It takes the new batches: the SDK runs the catalogue's
// producer first in each collection. The collection is also when spare threads are checked.
func (rt *Runtime) EachPushed(fn func(m catalog.ID, attrs attribute.Set, v float64)) {
	rt.threads.check(time.Now())
	rt.EachReading(func(s *Series, r Reading) {
		if s.Forwarded == "" {
			fn(s.Metric, s.Set, r.Value)
		}
	})
}

// EachForwarded implements export.Pushed. It reads the batches EachPushed took for this
// collection rather than taking again (eight calls out to C that would find nothing new).
func (rt *Runtime) EachForwarded(fn func(name, kind string, attrs attribute.Set, v float64, unixNanos int64)) {
	rt.eachStored(func(s *Series, r Reading) {
		if s.Forwarded != "" {
			fn(s.Name, s.Forwarded, s.Set, r.Value, r.UnixNanos)
		}
	})
}

// Refused implements export.Pushed.
func (rt *Runtime) Refused() int64 { return rt.series.refused.Load() }
