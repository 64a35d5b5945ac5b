package probe

/*
#cgo LDFLAGS: -ldl
#include "malloc.h"
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register("malloc", newMallocProbe) }

var (
	mallocInUse      = attrSet("sparkotel.malloc.state", "in_use")
	mallocFree       = attrSet("sparkotel.malloc.state", "free")
	mallocReleasable = attrSet("sparkotel.malloc.state", "releasable")
	mallocMmapped    = attrSet("sparkotel.malloc.state", "mmapped")

	mallocOnce    sync.Once
	mallocVersion C.int
)

// mallocProbe reads glibc's allocator state for the whole process (the JVM's own native
// allocations, JNI libraries, ours). mallinfo walks every arena under its lock, so its
// cost grows with the number of arenas: see docs/performance.md.
//
// In a JVM the shim reads it after each push, on the pushing thread, into a stash (malloc.c)
// that Collect reads in place: a call into C from the collecting goroutine wakes the Go
// runtime's sysmon into polling (see bridge/sparkotel.h). So the values are those of the
// JVM's latest sample.
// When no push came since the last collection (no JVM sampler: tests, or one that stopped)
// Collect reads glibc itself.
type mallocProbe struct {
	seen uint64 // the stash's seq last used
}

func newMallocProbe(Env) Probe {
	mallocOnce.Do(func() { mallocVersion = C.sotel_malloc_init() })
	return &mallocProbe{}
}

// MallocAPI reports which glibc call the probe uses: "mallinfo2", "mallinfo" or "" (none).
func MallocAPI() string {
	mallocOnce.Do(func() { mallocVersion = C.sotel_malloc_init() })
	return [...]string{"", "mallinfo", "mallinfo2"}[mallocVersion]
}

// mallocCalls counts Collect's own reads through C (tests check the stash spares them).
var mallocCalls atomic.Int64

func (p *mallocProbe) Collect(r *Recorder) error {
	if mallocVersion == 0 {
		return nil
	}
	out, ok := p.stashed()
	if !ok {
		mallocCalls.Add(1)
		C.sotel_malloc_read(mallocVersion, (*C.uint64_t)(unsafe.Pointer(&out[0])))
	}
	r.Int(catalog.MallocMemory, mallocInUse, int64(out[0]))
	r.Int(catalog.MallocMemory, mallocFree, int64(out[1]))
	r.Int(catalog.MallocMemory, mallocReleasable, int64(out[2]))
	r.Int(catalog.MallocMemory, mallocMmapped, int64(out[3]))
	return nil
}

// stashed returns the stash's values when a push refreshed it since the last collection
// and it was not being written meanwhile.
func (p *mallocProbe) stashed() (out [4]uint64, ok bool) {
	st := &C.sotel_malloc_stash
	seq := (*uint64)(unsafe.Pointer(&st.seq))
	s := atomic.LoadUint64(seq)
	if s == p.seen || s&1 == 1 {
		return out, false
	}
	for i := range out {
		out[i] = atomic.LoadUint64((*uint64)(unsafe.Pointer(&st.values[i])))
	}
	if atomic.LoadUint64(seq) != s {
		return out, false
	}
	p.seen = s
	return out, true
}

// refreshStash does what the shim does after a push (for tests: cgo is not allowed in them).
func refreshStash() { C.sotel_malloc_refresh() }
