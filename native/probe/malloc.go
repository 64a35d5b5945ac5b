package probe

/*
#cgo LDFLAGS: -ldl
#include "malloc.h"
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"time"
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
// allocations, JNI libraries, ours). mallinfo walks every arena's free lists under its lock,
// so its cost grows with the arenas and with fragmentation: reads are spaced by their cost
// (malloc.c) and a collection with no new read has no malloc point.
//
// In a JVM the shim reads it after each push, on the pushing thread, into a stash (malloc.c)
// that Collect reads in place: a call into C from the collecting goroutine wakes the Go
// runtime's sysmon into polling (see bridge/sparkotel.h). So the values are those of the
// JVM's latest sample.
// When no push came since the last collection (no JVM sampler: tests, or one that stopped)
// Collect refreshes the stash itself.
type mallocProbe struct {
	seen      uint64 // the stash's seq last used
	refreshes uint64 // the stash's refresh count at the last collection
}

func newMallocProbe(Env) Probe {
	mallocOnce.Do(func() { mallocVersion = C.sotel_malloc_init() })
	// What the stash holds now is older than this probe (a core started before in this process).
	st := &C.sotel_malloc_stash
	return &mallocProbe{seen: atomic.LoadUint64((*uint64)(unsafe.Pointer(&st.seq))) &^ 1,
		refreshes: atomic.LoadUint64((*uint64)(unsafe.Pointer(&st.refreshes)))}
}

// MallocAPI reports which glibc call the probe uses: "mallinfo2", "mallinfo" or "" (none).
func MallocAPI() string {
	mallocOnce.Do(func() { mallocVersion = C.sotel_malloc_init() })
	return [...]string{"", "mallinfo", "mallinfo2"}[mallocVersion]
}

// mallocCalls counts Collect's own calls into C (tests check the stash spares them).
var mallocCalls atomic.Int64

func (p *mallocProbe) Collect(r *Recorder) error {
	if mallocVersion == 0 {
		return nil
	}
	st := &C.sotel_malloc_stash
	if n := atomic.LoadUint64((*uint64)(unsafe.Pointer(&st.refreshes))); n == p.refreshes {
		mallocCalls.Add(1)
		C.sotel_malloc_refresh()
	}
	p.refreshes = atomic.LoadUint64((*uint64)(unsafe.Pointer(&st.refreshes)))
	out, took, ok := p.stashed()
	if !ok {
		return nil // no read since the last collection: spaced out, or being written
	}
	r.Int(catalog.MallocMemory, mallocInUse, int64(out[0]))
	r.Int(catalog.MallocMemory, mallocFree, int64(out[1]))
	r.Int(catalog.MallocMemory, mallocReleasable, int64(out[2]))
	r.Int(catalog.MallocMemory, mallocMmapped, int64(out[3]))
	r.Float(catalog.MallocReadDuration, none, took.Seconds())
	return nil
}

// stashed returns the stash's values and the read's duration when a read refreshed it since
// the last collection and it was not being written meanwhile.
func (p *mallocProbe) stashed() (out [4]uint64, took time.Duration, ok bool) {
	st := &C.sotel_malloc_stash
	seq := (*uint64)(unsafe.Pointer(&st.seq))
	s := atomic.LoadUint64(seq)
	if s == p.seen || s&1 == 1 {
		return out, 0, false
	}
	for i := range out {
		out[i] = atomic.LoadUint64((*uint64)(unsafe.Pointer(&st.values[i])))
	}
	took = time.Duration(atomic.LoadUint64((*uint64)(unsafe.Pointer(&st.read_ns))))
	if atomic.LoadUint64(seq) != s {
		return out, 0, false
	}
	p.seen = s
	return out, took, true
}

// refreshStash does what the shim does after a push, and forgetMallocReads makes the next
// refresh read at once (for tests: cgo is not allowed in them).
func refreshStash()      { C.sotel_malloc_refresh() }
func forgetMallocReads() { C.sotel_malloc_forget() }

// mallinfoNow reads glibc's state directly, unspaced (benchmarks).
func mallinfoNow() (out [4]uint64) {
	MallocAPI()
	C.sotel_malloc_read(mallocVersion, (*C.uint64_t)(unsafe.Pointer(&out[0])))
	return out
}
