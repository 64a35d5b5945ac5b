/* malloc.h: glibc's allocator state for the malloc probe (malloc.go), read either by a call
 * from Go or, in a JVM, by the shim after each push into a stash that Go reads in place. */
#ifndef SPARKOTEL_MALLOC_H
#define SPARKOTEL_MALLOC_H

#include <stdint.h>

/* Returns 2 (mallinfo2), 1 (mallinfo, 32-bit counters) or 0 (not glibc: no malloc probe). */
int sotel_malloc_init(void);

/* in_use, free, releasable, mmapped. */
void sotel_malloc_read(int version, uint64_t out[4]);

/* A seqlock: seq is odd while values and read_ns are written; a reader skips the stash when
 * seq is odd or changed under it. refreshes counts sotel_malloc_refresh's calls, due or not:
 * it tells the probe whether pushes are refreshing the stash. */
typedef struct {
	uint64_t seq;
	uint64_t values[4];
	uint64_t read_ns; /* wall time the read took */
	uint64_t refreshes;
} sotel_malloc_stash_t;

extern sotel_malloc_stash_t sotel_malloc_stash;

/* Reads glibc's state into the stash when a read is due (spaced by the last read's cost, see
 * malloc.c). Declared for the shim in bridge/sparkotel.h. */
void sotel_malloc_refresh(void);

/* Makes the next refresh read at once (tests). */
void sotel_malloc_forget(void);

#endif
