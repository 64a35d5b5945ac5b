/* malloc.h: glibc's allocator state for the malloc probe (malloc.go), read either by a call
 * from Go or, in a JVM, by the shim after each push into a stash that Go reads in place. */
#ifndef SPARKOTEL_MALLOC_H
#define SPARKOTEL_MALLOC_H

#include <stdint.h>

/* Returns 2 (mallinfo2), 1 (mallinfo, 32-bit counters) or 0 (not glibc: no malloc probe). */
int sotel_malloc_init(void);

/* in_use, free, releasable, mmapped. */
void sotel_malloc_read(int version, uint64_t out[4]);

/* A seqlock: seq is odd while values are written; a reader retries or falls back when seq
 * is odd or changed under it. */
typedef struct {
	uint64_t seq;
	uint64_t values[4];
} sotel_malloc_stash_t;

extern sotel_malloc_stash_t sotel_malloc_stash;

/* Declared for the shim in bridge/sparkotel.h. */
void sotel_malloc_refresh(void);

#endif
