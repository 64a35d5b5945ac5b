// Package arenas creates glibc malloc arenas on demand, and fragments a heap, for measuring
// how mallinfo's cost grows with them (tests and benchmarks only). glibc gives each new thread
// that allocates its own arena until it reaches 8 x cores (or MALLOC_ARENA_MAX).
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

static void **kept;
static int nkept;

// Allocates n small chunks and frees every other one: their neighbours are in use, so
// they cannot merge and stay n/2 free chunks on malloc's lists.
static int fragment(int n) {
	kept = malloc(sizeof(void *) * (size_t)n);
	if (kept == NULL) return 0;
	nkept = n;
	for (int i = 0; i < n; i++) kept[i] = malloc(16 + (i % 8) * 16);
	for (int i = 0; i < n; i += 2) {
		free(kept[i]);
		kept[i] = NULL;
	}
	return n / 2;
}

static void unfragment(void) {
	for (int i = 0; i < nkept; i++) free(kept[i]);
	free(kept);
	kept = NULL;
	nkept = 0;
}
*/
import "C"

// Spawn runs n short-lived threads that each allocate once; arenas outlive their threads.
func Spawn(n int) int { return int(C.spawn(C.int(n))) }

// Fragment leaves about n/2 free chunks on malloc's lists (small ones, about 8 MB per
// 100,000) and returns how many, and the function that frees the rest. One at a time.
func Fragment(n int) (int, func()) { return int(C.fragment(C.int(n))), func() { C.unfragment() } }
