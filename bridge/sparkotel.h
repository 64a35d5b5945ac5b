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
 * Implemented in C (bridge.c), called by Go. A push only copies the batch into the slot's
 * mailbox in C: the JVM's threads do not enter the Go runtime once per sample (a C thread
 * leaving Go keeps the runtime's P until sysmon takes it back, and the hand-off costs a
 * wake-up and, sometimes, a new runtime thread). Go takes the batches when it collects.
 *
 * sotel_take_batch copies slot's latest batch into dst when it is newer than *seq, sets
 * *seq and returns its length; returns 0 when there is nothing newer, and the needed
 * length, without copying, when cap is too small.
 * sotel_logs_queued tells the shim that log lines wait, so drainLogs calls into Go only then.
 */
size_t sotel_take_batch(int slot, void *dst, size_t cap, uint64_t *seq);
void sotel_logs_queued(void);

#endif
