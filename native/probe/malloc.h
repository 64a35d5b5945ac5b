/* malloc.h: glibc's allocator state for the malloc probe (malloc.go). */
#ifndef SPARKOTEL_MALLOC_H
#define SPARKOTEL_MALLOC_H

#include <stdint.h>

/* Returns 2 (mallinfo2), 1 (mallinfo, 32-bit counters) or 0 (not glibc: no malloc probe). */
int sotel_malloc_init(void);

/* in_use, free, releasable, mmapped. */
void sotel_malloc_read(int version, uint64_t out[4]);

#endif
