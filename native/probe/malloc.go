package probe

/*
#cgo LDFLAGS: -ldl
#include "malloc.h"
*/
import "C"

import (
	"sync"
	"time"
	"unsafe"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register(catalog.SparkotelProbeMalloc, newMallocProbe) }

var (
	mallocOnce    sync.Once
	mallocVersion C.int
)

// mallocSpacing: mallinfo walks every free chunk holding its arena's lock, blocking the
// threads that allocate from it (long in a fragmented heap), so the next read waits this
// many times the last one's duration: at most 0.5% of the time under malloc's locks, while
// a tidy heap is still read at every collection.
const mallocSpacing = 200

// mallocProbe reads glibc's allocator state for the whole process (the JVM's own native
// allocations, JNI libraries, ours). A collection with no read due has no malloc point.
type mallocProbe struct {
	next time.Time // when the next read is due
	now  func() time.Time
}

func newMallocProbe(Env) Probe {
	MallocAPI()
	return &mallocProbe{now: time.Now}
}

// MallocAPI reports which glibc call the probe uses: "mallinfo2", "mallinfo" or "" (none).
func MallocAPI() string {
	mallocOnce.Do(func() { mallocVersion = C.sotel_malloc_init() })
	return [...]string{"", "mallinfo", "mallinfo2"}[mallocVersion]
}

func (p *mallocProbe) Collect(r *Recorder) error {
	start := p.now()
	if mallocVersion == 0 || start.Before(p.next) {
		return nil
	}
	out := mallinfoNow()
	took := p.now().Sub(start)
	p.next = start.Add(took * mallocSpacing)
	r.RecordMallocMemory(catalog.MallocStateInUse, int64(out[0]))
	r.RecordMallocMemory(catalog.MallocStateFree, int64(out[1]))
	r.RecordMallocMemory(catalog.MallocStateReleasable, int64(out[2]))
	r.RecordMallocMemory(catalog.MallocStateMmapped, int64(out[3]))
	r.RecordMallocReadDuration(took.Seconds())
	return nil
}

// mallinfoNow reads glibc's state, unspaced.
func mallinfoNow() (out [4]uint64) {
	MallocAPI()
	C.sotel_malloc_read(mallocVersion, (*C.uint64_t)(unsafe.Pointer(&out[0])))
	return out
}
