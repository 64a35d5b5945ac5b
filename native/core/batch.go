package core

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"
)

// Layout of a pushed batch; must match sparkotel.h.
const (
	BatchHeaderBytes = 16
	BatchEntryBytes  = 16
	MaxSlots         = 8
)

// slot holds the latest batch one pusher sent. Pushing copies into buf under mu and returns;
// the exporter decodes under the same short lock. buf only grows, so steady-state pushes do
// not allocate.
type slot struct {
	mu     sync.Mutex
	buf    []byte
	n      int
	pushes uint64
}

type batchStore struct{ slots [MaxSlots]slot }

// checkBatch validates a batch's header against its length.
func checkBatch(b []byte) (count int, err error) {
	if len(b) < BatchHeaderBytes {
		return 0, fmt.Errorf("%w: batch of %d bytes is shorter than its header", ErrArg, len(b))
	}
	c := int(int32(binary.NativeEndian.Uint32(b[8:])))
	if c < 0 || BatchHeaderBytes+c*BatchEntryBytes > len(b) {
		return 0, fmt.Errorf("%w: batch claims %d entries in %d bytes", ErrArg, c, len(b))
	}
	return c, nil
}

func (s *batchStore) push(i int, b []byte) error {
	if i < 0 || i >= MaxSlots {
		return fmt.Errorf("%w: slot %d", ErrArg, i)
	}
	count, err := checkBatch(b)
	if err != nil {
		return err
	}
	n := BatchHeaderBytes + count*BatchEntryBytes
	sl := &s.slots[i]
	sl.mu.Lock()
	if cap(sl.buf) < n {
		sl.buf = make([]byte, n, n+n/2)
	}
	sl.buf = sl.buf[:n]
	copy(sl.buf, b[:n])
	sl.n = n
	sl.pushes++
	sl.mu.Unlock()
	return nil
}

// Reading is one value of a pushed batch.
type Reading struct {
	Series    int32
	Value     float64
	UnixNanos int64
}

// each calls fn for every reading of every slot's latest batch. fn runs under the slot's
// lock: it must not block.
func (s *batchStore) each(fn func(Reading)) {
	for i := range s.slots {
		sl := &s.slots[i]
		sl.mu.Lock()
		if sl.n >= BatchHeaderBytes {
			b := sl.buf[:sl.n]
			ts := int64(binary.NativeEndian.Uint64(b[0:]))
			count := (sl.n - BatchHeaderBytes) / BatchEntryBytes
			for e := 0; e < count; e++ {
				off := BatchHeaderBytes + e*BatchEntryBytes
				fn(Reading{
					Series:    int32(binary.NativeEndian.Uint32(b[off:])),
					Value:     math.Float64frombits(binary.NativeEndian.Uint64(b[off+8:])),
					UnixNanos: ts,
				})
			}
		}
		sl.mu.Unlock()
	}
}

// clear forgets a slot's batch (its pusher went away), so stale values stop being exported.
func (s *batchStore) clear(i int) {
	if i < 0 || i >= MaxSlots {
		return
	}
	sl := &s.slots[i]
	sl.mu.Lock()
	sl.n = 0
	sl.mu.Unlock()
}
