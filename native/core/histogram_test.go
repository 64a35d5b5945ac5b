package core

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
)

// entry is one batch entry with its part (batch writes part 0 only).
type entry struct {
	id   int32
	part int32
	v    float64
}

func partBatch(entries ...entry) []byte {
	b := make([]byte, BatchHeaderBytes+len(entries)*BatchEntryBytes)
	binary.NativeEndian.PutUint32(b[8:], uint32(len(entries)))
	for i, e := range entries {
		off := BatchHeaderBytes + i*BatchEntryBytes
		binary.NativeEndian.PutUint32(b[off:], uint32(e.id))
		binary.NativeEndian.PutUint32(b[off+4:], uint32(e.part))
		binary.NativeEndian.PutUint64(b[off+8:], math.Float64bits(e.v))
	}
	return b
}

// A histogram's entries reach the export with their parts (sum, then each bucket); a part a
// metric does not take (a plain metric's non-zero part, a bucket beyond the histogram's) is
// skipped, not misread as a value.
func TestHistogramPartsReachTheExport(t *testing.T) {
	host := &fakeHost{}
	if _, _, err := Start(quiet, host); err != nil {
		t.Fatal(err)
	}
	defer Stop(time.Second)
	h, err := DefineSeries("jvm.gc.duration\tjvm.gc.name=G1 Young Generation\tjvm.gc.action=end of minor GC")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DefineSeries("jvm.gc.duration\tjvm.gc.name=G1 Young Generation"); err == nil {
		t.Error("a histogram without its action attribute was accepted")
	}
	plain, _ := DefineSeries("jvm.class.count")
	buckets := len(catalog.Metrics[catalog.JvmGcDuration].Buckets) + 1
	entries := []entry{{plain, 0, 900}, {plain, 1, -1}, {h, HistogramPartSum, 0.25}}
	for b := range buckets + 1 { // one too many
		entries = append(entries, entry{h, int32(HistogramPartBucket0 + b), float64(b + 1)})
	}
	entries = append(entries, entry{h, -1, 7})
	host.put(0, partBatch(entries...))
	got := map[int]float64{}
	Current().EachPushed(func(m catalog.ID, attrs attribute.Set, part int, v float64) {
		switch m {
		case catalog.JvmClassCount:
			if part != 0 || v != 900 {
				t.Errorf("jvm.class.count part %d = %v", part, v)
			}
		case catalog.JvmGcDuration:
			if attrs.Len() != 2 {
				t.Errorf("attributes %v", attrs.ToSlice())
			}
			got[part] = v
		}
	})
	if len(got) != 1+buckets || got[HistogramPartSum] != 0.25 || got[HistogramPartBucket0] != 1 || got[buckets] != float64(buckets) {
		t.Fatalf("histogram parts %v, want the sum and %d buckets", got, buckets)
	}
}
