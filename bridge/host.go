package main

/*
#include "sparkotel.h"
*/
import "C"

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"github.com/sparkotel/sparkotel/native/core"
	"github.com/sparkotel/sparkotel/native/export"
)

// The native readings' indices are export's; sparkotel.h names them for C and Java. This
// compiles only while the counts agree.
const _ = uint(export.NativeFields-C.SOTEL_NATIVE_FIELDS) + uint(C.SOTEL_NATIVE_FIELDS-export.NativeFields)

// Likewise a histogram's parts (core's, named for C in sparkotel.h).
const _ = uint(core.HistogramPartSum-C.SOTEL_HISTOGRAM_PART_SUM) + uint(C.SOTEL_HISTOGRAM_PART_SUM-core.HistogramPartSum) +
	uint(core.HistogramPartBucket0-C.SOTEL_HISTOGRAM_PART_BUCKET0) + uint(C.SOTEL_HISTOGRAM_PART_BUCKET0-core.HistogramPartBucket0)

// jniHost is the shim as the core sees it: the mailboxes bridge.c fills on every push.
type jniHost struct{}

// Batches reads each slot's latest batch in place, holding the slot's lock while fn runs:
// the batch is copied once, from the JVM's buffer into the mailbox, and its header was
// checked by the push that put it there (see sparkotel.h for the protocol).
func (jniHost) Batches(fn func(slot int, b []byte)) {
	for slot := 0; slot < C.SOTEL_MAX_SLOTS; slot++ {
		m := &C.sotel_mailboxes[slot]
		if atomic.LoadUint64((*uint64)(unsafe.Pointer(&m.length))) == 0 {
			continue // empty: never pushed, or detached
		}
		lock := (*int32)(unsafe.Pointer(&m.lock))
		for !atomic.CompareAndSwapInt32(lock, 0, 1) {
			runtime.Gosched() // a push is copying in: a memcpy's wait
		}
		if n := int(m.length); n > 0 {
			fn(slot, unsafe.Slice((*byte)(unsafe.Pointer(m.data)), n))
		}
		atomic.StoreInt32(lock, 0)
	}
}

// LogsQueued sets the flag drainLogs checks, so the JVM calls into Go only when lines wait.
func (jniHost) LogsQueued() { C.sotel_logs_queued() }

// putBatch is the push path below JNI: it checks b's header and copies it into the slot's
// mailbox (bridge.c). The JVM reaches it through NativeCore.push; Go tests call it here.
func putBatch(slot int, b []byte) int {
	if len(b) == 0 {
		return int(C.sotel_mailbox_put(C.int(slot), nil, 0))
	}
	return int(C.sotel_mailbox_put(C.int(slot), (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))))
}

// clearSlot empties a slot's mailbox, as detaching its buffer does.
func clearSlot(slot int) { C.sotel_mailbox_clear(C.int(slot)) }
