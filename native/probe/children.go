package probe

import (
	"bytes"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register("children", newChildrenProbe) }

var (
	childPython = attrSet("sparkotel.child.kind", "python")
	childOther  = attrSet("sparkotel.child.kind", "other")
)

// childrenProbe finds every process below the JVM (PySpark daemon and workers, piped
// commands) from /proc/<pid>/stat: one read per process gives its parent, name and RSS.
// Processes found not to be ours are remembered and skipped: a process never moves into our
// tree (a new child gets a new pid), so only new pids and our own descendants are read each
// cycle. Every fullRescanEvery cycles all are read again, which bounds how long a reused pid
// could hide a new child.
type childrenProbe struct {
	procRoot string
	self     int64
	r, stat  fileReader
	path     []byte
	procs    map[int64]childInfo // reused across cycles
	kids     map[int64][]int64
	queue    []int64
	foreign  map[int64]struct{} // pids known not to be below us
	cycle    int
}

const fullRescanEvery = 10

type childInfo struct {
	rss    int64
	python bool
	ours   bool
}

func newChildrenProbe(env Env) Probe {
	return &childrenProbe{procRoot: env.ProcRoot, self: int64(env.PID),
		procs: map[int64]childInfo{}, kids: map[int64][]int64{}, foreign: map[int64]struct{}{}}
}

// isPython: PySpark workers run as python, python3, python3.11, ... (comm is cut at 15 bytes).
func isPython(comm []byte) bool { return bytes.HasPrefix(comm, []byte("python")) }

func (p *childrenProbe) Collect(r *Recorder) error {
	clear(p.procs)
	for k, v := range p.kids {
		p.kids[k] = v[:0]
	}
	if p.cycle%fullRescanEvery == 0 {
		clear(p.foreign)
	}
	p.cycle++
	err := p.r.eachDirent(p.procRoot, func(name []byte) {
		pid, rest, ok := parseUint(name)
		if !ok || len(rest) != 0 || pid == p.self {
			return
		}
		if _, known := p.foreign[pid]; known {
			return
		}
		p.path = append(append(append(p.path[:0], p.procRoot...), '/'), name...)
		p.path = append(p.path, "/stat"...)
		b, err := p.stat.readOnce(string(p.path))
		if err != nil { // the process exited between listing and reading: skip it
			return
		}
		st, err := parseStat(b)
		if err != nil {
			return
		}
		p.procs[pid] = childInfo{rss: st.RSS * pageSize, python: isPython(st.Comm)}
		p.kids[st.PPID] = append(p.kids[st.PPID], pid)
	})
	if err != nil {
		return err
	}
	var nPy, nOther, rssPy, rssOther int64
	p.queue = append(p.queue[:0], p.kids[p.self]...)
	for len(p.queue) > 0 {
		pid := p.queue[len(p.queue)-1]
		p.queue = append(p.queue[:len(p.queue)-1], p.kids[pid]...)
		c := p.procs[pid]
		c.ours = true
		p.procs[pid] = c
		if c.python {
			nPy, rssPy = nPy+1, rssPy+c.rss
		} else {
			nOther, rssOther = nOther+1, rssOther+c.rss
		}
	}
	for pid, c := range p.procs {
		if !c.ours {
			p.foreign[pid] = struct{}{}
		}
	}
	r.Int(catalog.ChildrenCount, childPython, nPy)
	r.Int(catalog.ChildrenCount, childOther, nOther)
	r.Int(catalog.ChildrenMemoryUsage, childPython, rssPy)
	r.Int(catalog.ChildrenMemoryUsage, childOther, rssOther)
	return nil
}
