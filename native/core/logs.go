package core

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// logRing holds log lines for the JVM to drain into Spark's logging: Go never calls into
// the JVM. Bounded: past maxLogLines new lines are dropped and the drop is reported.
type logRing struct {
	mu      sync.Mutex
	lines   []string
	dropped int
}

const maxLogLines = 64

var logs logRing

// logHost, once a start has named it, is told that lines wait, so the JVM's drain can skip
// calling into Go when none do.
var logHost atomic.Pointer[Host]

func setLogHost(h Host) { logHost.Store(&h) }

// Log queues one line; level is DEBUG, INFO or WARN.
func Log(level, msg string) {
	logs.mu.Lock()
	if len(logs.lines) >= maxLogLines {
		logs.dropped++
	} else {
		logs.lines = append(logs.lines, level+" "+msg)
	}
	logs.mu.Unlock()
	if h := logHost.Load(); h != nil && *h != nil {
		(*h).LogsQueued()
	}
}

// DrainLogs returns the queued lines ("LEVEL message", newline-separated) and empties the
// queue; "" when there are none.
func DrainLogs() string {
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if len(logs.lines) == 0 && logs.dropped == 0 {
		return ""
	}
	out := logs.lines
	if logs.dropped > 0 {
		out = append(out, "WARN sparkotel: log queue full, dropped lines: "+strconv.Itoa(logs.dropped))
	}
	s := strings.Join(out, "\n")
	logs.lines, logs.dropped = logs.lines[:0], 0
	return s
}
