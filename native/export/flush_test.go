package export

import (
	"testing"
	"time"
)

// TestFlushSendsNowWithoutWaiting: with an hour's interval nothing would go out; a flush
// returns at once and its collection reaches the collector.
func TestFlushSendsNowWithoutWaiting(t *testing.T) {
	rcv := startReceiver(t, 0)
	var logs logSink
	p, err := Start(testConfig(t, map[string]string{"endpoint": rcv.addr, "interval": "1h"}), allPushed{}, logs.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(time.Second)
	before := len(rcv.requests())
	start := time.Now()
	p.Flush(5 * time.Second)
	p.Flush(5 * time.Second) // one under way: this one does nothing
	if took := time.Since(start); took > 50*time.Millisecond {
		t.Errorf("Flush waited %v", took)
	}
	waitFor(t, "the flushed export", func() bool { return len(rcv.requests()) > before })
}
