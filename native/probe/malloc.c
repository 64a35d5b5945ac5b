/* malloc.c: see malloc.h. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <time.h>

#include "malloc.h"

/* Declared here rather than taken from malloc.h: the release build targets glibc 2.17,
 * whose headers predate mallinfo2 (glibc 2.33). Both are resolved at run time. */
struct sotel_mallinfo2 { size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; };
struct sotel_mallinfo { int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; };

static struct sotel_mallinfo2 (*mi2)(void);
static struct sotel_mallinfo (*mi1)(void);
static int version; /* atomic: set once by sotel_malloc_init, read by pushing threads */

int sotel_malloc_init(void) {
	int v = 0;
	mi2 = (struct sotel_mallinfo2 (*)(void))dlsym(RTLD_DEFAULT, "mallinfo2");
	if (mi2) v = 2;
	else if ((mi1 = (struct sotel_mallinfo (*)(void))dlsym(RTLD_DEFAULT, "mallinfo"))) v = 1;
	__atomic_store_n(&version, v, __ATOMIC_RELEASE);
	return v;
}

void sotel_malloc_read(int v, uint64_t out[4]) {
	if (v == 2) {
		struct sotel_mallinfo2 m = mi2();
		out[0] = m.uordblks; out[1] = m.fordblks; out[2] = m.keepcost; out[3] = m.hblkhd;
	} else if (v == 1) {
		/* mallinfo's int counters wrap above 4 GiB; reading them as unsigned gets to 4 GiB. */
		struct sotel_mallinfo m = mi1();
		out[0] = (unsigned)m.uordblks; out[1] = (unsigned)m.fordblks;
		out[2] = (unsigned)m.keepcost; out[3] = (unsigned)m.hblkhd;
	}
}

sotel_malloc_stash_t sotel_malloc_stash;

/* The shortest sampling interval is 100 ms: every sample's push refreshes the stash, and
 * the sink's pushes in between add at most one more read. */
#define MIN_PERIOD_NS 50000000LL

/* mallinfo walks every arena's free lists holding that arena's lock: tens of µs in a tidy
 * heap, but 1 to 14 ms with 100,000 free chunks and 80 to 140 ms with a million, by their
 * sizes (a heap fragmented by many small frees; BenchmarkMallinfoFreeChunks). Every thread
 * allocating from the arena waits meanwhile, so the next read comes no sooner than SPACING
 * times the last one took: our reads hold malloc's locks at most 0.5% of the time, and a
 * tidy heap is still read at every sample. */
#define SPACING 200

static int refreshing;  /* atomic: one thread reads and writes the stash at a time */
static int64_t next_ns; /* when the next read is due; written only by the thread that holds refreshing */

static int64_t monotonic_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void sotel_malloc_refresh(void) {
	__atomic_add_fetch(&sotel_malloc_stash.refreshes, 1, __ATOMIC_RELAXED);
	int v = __atomic_load_n(&version, __ATOMIC_ACQUIRE);
	if (v == 0 || __atomic_exchange_n(&refreshing, 1, __ATOMIC_ACQUIRE)) return;
	int64_t start = monotonic_ns();
	if (start >= next_ns) {
		uint64_t out[4];
		sotel_malloc_read(v, out);
		int64_t took = monotonic_ns() - start;
		next_ns = start + (took * SPACING > MIN_PERIOD_NS ? took * SPACING : MIN_PERIOD_NS);
		uint64_t seq = sotel_malloc_stash.seq;
		__atomic_store_n(&sotel_malloc_stash.seq, seq + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		for (int i = 0; i < 4; i++) __atomic_store_n(&sotel_malloc_stash.values[i], out[i], __ATOMIC_RELAXED);
		__atomic_store_n(&sotel_malloc_stash.read_ns, (uint64_t)took, __ATOMIC_RELAXED);
		__atomic_store_n(&sotel_malloc_stash.seq, seq + 2, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&refreshing, 0, __ATOMIC_RELEASE);
}

void sotel_malloc_forget(void) {
	while (__atomic_exchange_n(&refreshing, 1, __ATOMIC_ACQUIRE)) {
	}
	next_ns = 0;
	__atomic_store_n(&refreshing, 0, __ATOMIC_RELEASE);
}
