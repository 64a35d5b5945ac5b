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
 *   offset 16  N x { int32 series id; int32 part; float64 value }
 * part is 0 for every metric but a histogram. A histogram series (its catalogue entry lists B
 * bucket boundaries) takes B + 2 entries, cumulative since the JVM side began counting:
 * part 0 its sum, part 1 + i the count of bucket i (i = 0 .. B, the last one unbounded above).
 * Its count is the sum of its buckets. An entry whose part its metric does not take is ignored.
 */
#define SOTEL_HISTOGRAM_PART_SUM 0
#define SOTEL_HISTOGRAM_PART_BUCKET0 1
#define SOTEL_BATCH_HEADER_BYTES 16
#define SOTEL_BATCH_ENTRY_BYTES 16
#define SOTEL_MAX_SLOTS 8         /* concurrent pushers (sampler, sink, ...) per process */

/*
 * The native readings the JVM's evidence of an executor carries (sotel_native, and
 * NativeCore.nativeReadings in Java), by index; -1 where unknown.
 */
#define SOTEL_NATIVE_RSS 0
#define SOTEL_NATIVE_RSS_ANON 1
#define SOTEL_NATIVE_RSS_FILE 2
#define SOTEL_NATIVE_MALLOC_IN_USE 3
#define SOTEL_NATIVE_MALLOC_FREE 4
#define SOTEL_NATIVE_PYTHON_RSS 5
#define SOTEL_NATIVE_OTHER_CHILDREN_RSS 6
#define SOTEL_NATIVE_CGROUP_USAGE 7
#define SOTEL_NATIVE_CGROUP_LIMIT 8
#define SOTEL_NATIVE_CGROUP_OOM_KILLS 9
#define SOTEL_NATIVE_MALLOC_MMAPPED 10
#define SOTEL_NATIVE_FIELDS 11

/*
 * Mailboxes, written by the shim (bridge.c) and read by Go in place (host.go): a push copies
 * its batch into its slot's mailbox and returns without entering the Go runtime; Go reads
 * each slot's latest batch when it collects.
 *
 * Protocol: lock is a spinlock, 0 or 1, taken with an atomic compare-and-swap or exchange
 * (acquire) and released with an atomic store (release). The shim holds it to write or free
 * a mailbox, Go to read one. length is stored atomically under the lock, so Go may read it
 * without the lock to skip empty slots; 0 means empty (never pushed, or detached).
 */
typedef struct {
	int32_t lock;
	int32_t reserved;
	uint64_t length;   /* the latest batch's bytes, header included */
	uint64_t capacity; /* of data */
	char *data;        /* grows to the largest batch pushed; freed on detach */
} sotel_mailbox;

extern sotel_mailbox sotel_mailboxes[SOTEL_MAX_SLOTS];

/*
 * Implemented in C (bridge.c), called by JNI and by Go's tests.
 * sotel_mailbox_put checks a batch's header against length and copies it into the slot's
 * mailbox: SOTEL_OK, SOTEL_ERR_ARG (bad slot or header) or SOTEL_ERR_FULL (out of memory).
 * sotel_mailbox_clear empties a slot's mailbox.
 * sotel_logs_queued tells the shim that log lines wait, so drainLogs calls into Go only then.
 */
int sotel_mailbox_put(int slot, const char *batch, size_t length);
void sotel_mailbox_clear(int slot);
void sotel_logs_queued(void);

#endif
