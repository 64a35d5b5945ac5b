/* malloc.c: see malloc.h. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

#include "malloc.h"

/* Declared here rather than taken from malloc.h: the release build targets glibc 2.17,
 * whose headers predate mallinfo2 (glibc 2.33). Both are resolved at run time. */
struct sotel_mallinfo2 { size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; };
struct sotel_mallinfo { int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost; };

static struct sotel_mallinfo2 (*mi2)(void);
static struct sotel_mallinfo (*mi1)(void);

int sotel_malloc_init(void) {
	mi2 = (struct sotel_mallinfo2 (*)(void))dlsym(RTLD_DEFAULT, "mallinfo2");
	if (mi2) return 2;
	mi1 = (struct sotel_mallinfo (*)(void))dlsym(RTLD_DEFAULT, "mallinfo");
	return mi1 ? 1 : 0;
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
