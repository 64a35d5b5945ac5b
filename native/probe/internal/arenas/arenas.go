// Package arenas creates glibc malloc arenas on demand, for measuring how mallinfo's cost
// grows with them (benchmarks only). glibc gives each new thread that allocates its own
// arena until it reaches 8 x cores (or MALLOC_ARENA_MAX).
package arenas

/*
#include <pthread.h>
#include <stdlib.h>

static void *touch(void *arg) {
	(void)arg;
	void *p = malloc(4096);
	free(p);
	return NULL;
}

static int spawn(int n) {
	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, touch, NULL) != 0) return i;
		pthread_join(t, NULL);
	}
	return n;
}
*/
import "C"

// Spawn runs n short-lived threads that each allocate once; arenas outlive their threads.
func Spawn(n int) int { return int(C.spawn(C.int(n))) }
