package core

import (
	"encoding/binary"
	"math"
	"sync"
)

// fakeHost stands in for the JNI shim's mailboxes in tests of the core's logic; the shim's
// own path is tested in bridge.
type fakeHost struct {
	mu      sync.Mutex
	batches [MaxSlots][]byte
	queued  int
}

func (h *fakeHost) put(slot int, b []byte) {
	h.mu.Lock()
	h.batches[slot] = b
	h.mu.Unlock()
}

func (h *fakeHost) Batches(fn func(int, []byte)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, b := range h.batches {
		if b != nil {
			fn(i, b)
		}
	}
}

func (h *fakeHost) LogsQueued() { h.mu.Lock(); h.queued++; h.mu.Unlock() }

func batch(ts int64, entries ...any) []byte {
	b := make([]byte, BatchHeaderBytes+len(entries)/2*BatchEntryBytes)
	binary.NativeEndian.PutUint64(b[0:], uint64(ts))
	binary.NativeEndian.PutUint32(b[8:], uint32(len(entries)/2))
	for i := 0; i < len(entries); i += 2 {
		off := BatchHeaderBytes + i/2*BatchEntryBytes
		binary.NativeEndian.PutUint32(b[off:], uint32(entries[i].(int32)))
		binary.NativeEndian.PutUint64(b[off+8:], math.Float64bits(entries[i+1].(float64)))
	}
	return b
}
