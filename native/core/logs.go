package core

import (
	"strconv"
	"strings"
	"sync"
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

// Log queues one line; level is DEBUG, INFO or WARN.
func Log(level, msg string) {
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if len(logs.lines) >= maxLogLines {
		logs.dropped++
		return
	}
	logs.lines = append(logs.lines, level+" "+msg)
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
