package main

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/core"
)

func batch(ts int64, id int32, v float64) []byte {
	b := make([]byte, core.BatchHeaderBytes+core.BatchEntryBytes)
	binary.NativeEndian.PutUint64(b[0:], uint64(ts))
	binary.NativeEndian.PutUint32(b[8:], 1)
	binary.NativeEndian.PutUint32(b[16:], uint32(id))
	binary.NativeEndian.PutUint64(b[24:], math.Float64bits(v))
	return b
}

// TestPushReachesCollection drives the production push path: a batch put into a slot's
// mailbox (what NativeCore.push does below JNI) is what the core's collection reads; a later
// batch replaces it, and clearing the slot (detach) ends its values.
func TestPushReachesCollection(t *testing.T) {
	if _, _, err := core.Start(map[string]string{"exporter": "none", "interval": "1h"}, jniHost{}); err != nil {
		t.Fatal(err)
	}
	defer core.Stop(time.Second)
	id, err := core.DefineSeries("jvm.class.count")
	if err != nil {
		t.Fatal(err)
	}
	values := func() (vs []float64) {
		core.Current().EachPushed(func(m catalog.ID, _ attribute.Set, _ int, v float64) {
			if m == catalog.JvmClassCount {
				vs = append(vs, v)
			}
		})
		return vs
	}
	if st := putBatch(5, batch(1, id, 10)); st != 0 {
		t.Fatalf("put = %d", st)
	}
	if vs := values(); len(vs) != 1 || vs[0] != 10 {
		t.Fatalf("collected %v, want [10]", vs)
	}
	if vs := values(); len(vs) != 1 || vs[0] != 10 {
		t.Fatalf("with nothing new pushed the slot keeps its batch: %v", vs)
	}
	_ = putBatch(5, batch(2, id, 11))
	if vs := values(); len(vs) != 1 || vs[0] != 11 {
		t.Fatalf("collected %v after a newer batch, want [11]", vs)
	}
	clearSlot(5)
	if vs := values(); len(vs) != 0 {
		t.Fatalf("collected %v from a detached slot", vs)
	}
}

// TestPushChecksTheHeader: the one check of a batch's header, at the push.
func TestPushChecksTheHeader(t *testing.T) {
	overclaims := batch(1, 0, 1)
	binary.NativeEndian.PutUint32(overclaims[8:], 5)
	for name, tc := range map[string]struct {
		slot int
		b    []byte
	}{"short": {0, make([]byte, 8)}, "overclaims": {0, overclaims}, "bad slot": {core.MaxSlots, batch(1, 0, 1)}, "empty": {0, nil}} {
		if st := putBatch(tc.slot, tc.b); st != -3 {
			t.Errorf("%s: status %d, want SOTEL_ERR_ARG (-3)", name, st)
		}
	}
	defer clearSlot(1)
	long := make([]byte, 64) // a buffer longer than the batch its header describes
	copy(long, batch(7, 3, 1.5))
	if st := putBatch(1, long); st != 0 {
		t.Fatalf("put = %d", st)
	}
	var got []int
	jniHost{}.Batches(func(slot int, b []byte) { got = append(got, slot, len(b)) })
	if len(got) != 2 || got[0] != 1 || got[1] != 32 {
		t.Fatalf("mailboxes hold %v, want slot 1 with the 32 bytes its header describes", got)
	}
}

func TestPushDoesNotAllocate(t *testing.T) {
	defer clearSlot(2)
	b := batch(1, 0, 1)
	putBatch(2, b)
	if a := testing.AllocsPerRun(100, func() { putBatch(2, b) }); a != 0 {
		t.Fatalf("a push allocates %.1f times", a)
	}
}
