package core

// Host is what the core needs from the process that loads it: in a JVM, the JNI shim. It
// is passed to Start, so the core depends on no package of the shim's.
type Host interface {
	// Batches calls fn with the latest batch of each slot that has one. b is valid only
	// during fn (it is read in place), its header was checked when it was pushed, and fn
	// must not block.
	Batches(fn func(slot int, b []byte))
	// LogsQueued tells the host that log lines wait to be drained (DrainLogs).
	LogsQueued()
}
