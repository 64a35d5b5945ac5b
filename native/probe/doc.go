// Package probe reads what the JVM cannot see: the process (/proc/self), its descendants,
// host memory and PSI, the container's cgroup (v2 or v1), glibc malloc, and the Go core's
// own cost. One file per source; each probe is timed and failure-isolated by Set, reads
// /proc and /sys directly (never forks), and parses with pure functions that tests and fuzz
// targets drive on fixture trees. A source that does not exist on a machine reports nothing,
// never zero.
package probe
