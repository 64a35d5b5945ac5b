package core

import (
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
)

// TestBatchSourceFeedsCollection checks that batches kept outside Go (the JNI shim's
// mailboxes) reach a collection, and that a later batch of the same slot replaces them.
func TestBatchSourceFeedsCollection(t *testing.T) {
	var offered [][]byte
	SetBatchSource(func(push func(slot int, b []byte)) {
		for _, b := range offered {
			push(3, b)
		}
		offered = nil
	})
	defer SetBatchSource(nil)
	if _, err := Start(quiet); err != nil {
		t.Fatal(err)
	}
	defer Stop(time.Second)
	id, err := DefineSeries("jvm.class.count")
	if err != nil {
		t.Fatal(err)
	}
	values := func() (vs []float64) {
		Current().EachReading(func(_ *Series, r Reading) { vs = append(vs, r.Value) })
		return vs
	}
	offered = [][]byte{batch(1, id, 10.0)}
	if vs := values(); len(vs) != 1 || vs[0] != 10 {
		t.Fatalf("first collection = %v, want [10]", vs)
	}
	if vs := values(); len(vs) != 1 || vs[0] != 10 {
		t.Fatalf("nothing new offered: the slot must keep its batch, got %v", vs)
	}
	offered = [][]byte{batch(2, id, 11.0)}
	if vs := values(); len(vs) != 1 || vs[0] != 11 {
		t.Fatalf("newer batch = %v, want [11]", vs)
	}
}

// TestOneTakePerCollection: a collection runs both producers (catalogue, then forwarded);
// only the first takes batches from the shim.
func TestOneTakePerCollection(t *testing.T) {
	takes := 0
	SetBatchSource(func(func(int, []byte)) { takes++ })
	defer SetBatchSource(nil)
	// An hour's interval: the core's own collection must not take in between.
	if _, err := Start(map[string]string{"exporter": "none", "interval": "1h"}); err != nil {
		t.Fatal(err)
	}
	defer Stop(time.Second)
	Current().EachPushed(func(catalog.ID, attribute.Set, float64) {})
	Current().EachForwarded(func(string, string, attribute.Set, float64, int64) {})
	if takes != 1 {
		t.Fatalf("one collection took batches %d times, want once", takes)
	}
}

func TestLogNotifiesOncePerLine(t *testing.T) {
	n := 0
	SetLogNotify(func() { n++ })
	defer SetLogNotify(nil)
	DrainLogs()
	Log("INFO", "one")
	Log("WARN", "two")
	if n != 2 {
		t.Fatalf("notified %d times for 2 lines", n)
	}
	if got := DrainLogs(); got != "INFO one\nWARN two" {
		t.Fatalf("drained %q", got)
	}
}
