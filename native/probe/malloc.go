package probe

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

// Declared here rather than taken from malloc.h: the release build targets glibc 2.17,
// whose headers predate mallinfo2 (glibc 2.33). Both are resolved at run time.
struct sotel_mallinfo2 { size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; };
struct sotel_mallinfo { int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; };

static struct sotel_mallinfo2 (*mi2)(void);
static struct sotel_mallinfo (*mi1)(void);

// Returns 2 (mallinfo2), 1 (mallinfo, 32-bit counters) or 0 (not glibc: no malloc probe).
static int sotel_malloc_init(void) {
	mi2 = (struct sotel_mallinfo2 (*)(void))dlsym(RTLD_DEFAULT, "mallinfo2");
	if (mi2) return 2;
	mi1 = (struct sotel_mallinfo (*)(void))dlsym(RTLD_DEFAULT, "mallinfo");
	return mi1 ? 1 : 0;
}

// in_use, free, releasable, mmapped.
static void sotel_malloc_read(int version, size_t out[4]) {
	if (version == 2) {
		struct sotel_mallinfo2 m = mi2();
		out[0] = m.uordblks; out[1] = m.fordblks; out[2] = m.keepcost; out[3] = m.hblkhd;
	} else {
		// mallinfo's int counters wrap above 4 GiB; reading them as unsigned gets to 4 GiB.
		struct sotel_mallinfo m = mi1();
		out[0] = (unsigned)m.uordblks; out[1] = (unsigned)m.fordblks;
		out[2] = (unsigned)m.keepcost; out[3] = (unsigned)m.hblkhd;
	}
}
*/
import "C"

import (
	"sync"

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
type mallocProbe struct{}

func newMallocProbe(Env) Probe {
	mallocOnce.Do(func() { mallocVersion = C.sotel_malloc_init() })
	return mallocProbe{}
}

// MallocAPI reports which glibc call the probe uses: "mallinfo2", "mallinfo" or "" (none).
func MallocAPI() string {
	mallocOnce.Do(func() { mallocVersion = C.sotel_malloc_init() })
	return [...]string{"", "mallinfo", "mallinfo2"}[mallocVersion]
}

func (mallocProbe) Collect(r *Recorder) error {
	if mallocVersion == 0 {
		return nil
	}
	var out [4]C.size_t
	C.sotel_malloc_read(mallocVersion, &out[0])
	r.Int(catalog.MallocMemory, mallocInUse, int64(out[0]))
	r.Int(catalog.MallocMemory, mallocFree, int64(out[1]))
	r.Int(catalog.MallocMemory, mallocReleasable, int64(out[2]))
	r.Int(catalog.MallocMemory, mallocMmapped, int64(out[3]))
	return nil
}
