/*
 * sparkotel.h: the whole contract between the JVM shim (bridge.c) and the Go core.
 * Plain C types only; JNI types never cross this line.
 *
 * Ownership: every pointer passed into sotel_* is borrowed for the duration of the call;
 * Go copies what it keeps and never retains a pointer after returning.
 */
#ifndef SPARKOTEL_H
#define SPARKOTEL_H

#include <stddef.h>
#include <stdint.h>

/* Status codes. >= 0 is success (a series id for sotel_define_series). */
#define SOTEL_OK 0
#define SOTEL_ATTACHED 1          /* start(): the core was already running; joined it */
#define SOTEL_ERR_CONFIG (-1)     /* bad configuration; message in errbuf */
#define SOTEL_ERR_STATE (-2)      /* core not running */
#define SOTEL_ERR_ARG (-3)        /* malformed argument (batch, spec, slot) */
#define SOTEL_ERR_PANIC (-4)      /* a Go panic was recovered; message in errbuf */
#define SOTEL_ERR_TIMEOUT (-5)    /* stop() did not finish flushing in time */
#define SOTEL_ERR_FULL (-6)       /* a bound was hit (series or slots); the item was dropped and counted */

/*
 * Batch layout pushed by the JVM (native byte order, written through a direct ByteBuffer):
 *   offset 0   int64   timestamp, Unix epoch nanoseconds
 *   offset 8   int32   entry count N
 *   offset 12  int32   reserved, 0
 *   offset 16  N x { int32 series id; int32 reserved; float64 value }
 */
#define SOTEL_BATCH_HEADER_BYTES 16
#define SOTEL_BATCH_ENTRY_BYTES 16
#define SOTEL_MAX_SLOTS 8         /* concurrent pushers (sampler, sink, ...) per process */

/*
 * Mailboxes, written by the shim (bridge.c) and read by Go in place, without a call. A push
 * only copies the batch into its slot's mailbox: the JVM's threads do not enter the Go runtime
 * once per sample (a C thread leaving Go keeps the runtime's P until sysmon takes it back, and
 * the hand-off costs a wake-up and, sometimes, a new runtime thread). Go takes the batches
 * when it collects, reading the mailboxes itself: a collection's first cgo call wakes the
 * runtime's sysmon from its sleep, and it then polls every 20 us while the collection runs
 * (+135 us a sample at 100 ms, measured with the core alone).
 *
 * Protocol: lock is a spinlock, 0 or 1, taken with an atomic exchange (acquire) and released
 * with an atomic store (release). The shim holds it to write or free a mailbox; Go tries it
 * once to copy a batch out and, when a push holds it, takes that batch at the next
 * collection. seq is written under the lock with an atomic store, so Go may read it without
 * the lock to skip slots with nothing new. seq numbers are never reused; 0 means empty.
 */
typedef struct {
	int32_t lock;
	int32_t reserved;
	uint64_t seq;      /* of the latest batch */
	uint64_t length;   /* its bytes, header included */
	uint64_t capacity; /* of data */
	char *data;        /* grows to the largest batch pushed; freed on detach */
} sotel_mailbox;

extern sotel_mailbox sotel_mailboxes[SOTEL_MAX_SLOTS];

/*
 * Implemented in C, called by Go.
 * sotel_logs_queued tells the shim that log lines wait, so drainLogs calls into Go only then.
 */
void sotel_logs_queued(void);

/*
 * Implemented in C in the Go module (native/probe/malloc.c), called by the shim after each
 * push: glibc's malloc state is read on the pushing thread, at most every 50 ms and no
 * sooner than 200 times the last read took (it holds malloc's locks), into a stash the
 * malloc probe reads in place (so that a collection needs no call into C).
 */
void sotel_malloc_refresh(void);

#endif
