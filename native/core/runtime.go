package core

import (
	"sync"
	"sync/atomic"
	"time"
)

// Runtime is the state of a started core.
type Runtime struct {
	Config  map[string]string
	series  *seriesTable
	batches batchStore
	users   int // Start calls not yet matched by Stop
}

var (
	lifecycle sync.Mutex
	current   atomic.Pointer[Runtime] // read lock-free on the push path
)

// Start starts the process-wide core with cfg, or joins the running one (attached == true;
// cfg is then ignored: the first starter configures the process). Every Start must be
// matched by a Stop; the last Stop shuts the core down.
func Start(cfg map[string]string) (attached bool, err error) {
	lifecycle.Lock()
	defer lifecycle.Unlock()
	if rt := current.Load(); rt != nil {
		rt.users++
		return true, nil
	}
	rt := &Runtime{Config: cfg, series: newSeriesTable(), users: 1}
	current.Store(rt)
	return false, nil
}

// Stop releases one Start. The last one shuts the core down, waiting at most timeout for
// in-flight work; Stop never blocks longer than timeout.
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

// Push stores b as slot's latest batch. It copies b and returns; it never does I/O.
func Push(slot int, b []byte) error {
	rt, err := running()
	if err != nil {
		return err
	}
	return rt.batches.push(slot, b)
}

// Current returns the running core, or nil.
func Current() *Runtime { return current.Load() }

// EachReading visits the latest value of every live series pushed by the JVM.
func (rt *Runtime) EachReading(fn func(s *Series, r Reading)) {
	rt.batches.each(func(r Reading) {
		if s := rt.series.lookup(r.Series); s != nil {
			fn(s, r)
		}
	})
}
