package core

import (
	"encoding/binary"
	"math"
)

// Layout of a pushed batch; must match sparkotel.h.
const (
	BatchHeaderBytes = 16
	BatchEntryBytes  = 16
	MaxSlots         = 8
	// A histogram series' parts: its sum, then one count per bucket.
	HistogramPartSum     = 0
	HistogramPartBucket0 = 1
)

// Reading is one value of a pushed batch.
type Reading struct {
	Series    int32
	Part      int32 // 0 but for a histogram's entries (sparkotel.h)
	Value     float64
	UnixNanos int64
}

// eachInBatch decodes b, whose header the host checked when it was pushed: the entries are
// those its length holds.
func eachInBatch(b []byte, fn func(Reading)) {
	if len(b) < BatchHeaderBytes {
		return
	}
	ts := int64(binary.NativeEndian.Uint64(b[0:]))
	for off := BatchHeaderBytes; off+BatchEntryBytes <= len(b); off += BatchEntryBytes {
		fn(Reading{
			Series:    int32(binary.NativeEndian.Uint32(b[off:])),
			Part:      int32(binary.NativeEndian.Uint32(b[off+4:])),
			Value:     math.Float64frombits(binary.NativeEndian.Uint64(b[off+8:])),
			UnixNanos: ts,
		})
	}
}
