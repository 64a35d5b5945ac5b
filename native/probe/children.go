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
// commands) by reading each /proc/<pid>/stat once: one read per process gives its parent,
// name and RSS, so the cost is linear in the number of processes the kernel shows us (in a
// container, the container's own).
type childrenProbe struct {
	procRoot string
	self     int64
	r, stat  fileReader
	path     []byte
	procs    map[int64]childInfo // reused across cycles
	kids     map[int64][]int64
	queue    []int64
}

type childInfo struct {
	rss    int64
	python bool
}

func newChildrenProbe(env Env) Probe {
	return &childrenProbe{procRoot: env.ProcRoot, self: int64(env.PID),
		procs: map[int64]childInfo{}, kids: map[int64][]int64{}}
}

// isPython: PySpark workers run as python, python3, python3.11, ... (comm is cut at 15 bytes).
func isPython(comm []byte) bool { return bytes.HasPrefix(comm, []byte("python")) }

func (p *childrenProbe) Collect(r *Recorder) error {
	clear(p.procs)
	for k, v := range p.kids {
		p.kids[k] = v[:0]
	}
	err := p.r.eachDirent(p.procRoot, func(name []byte) {
		pid, rest, ok := parseUint(name)
		if !ok || len(rest) != 0 || pid == p.self {
			return
		}
		p.path = append(append(append(p.path[:0], p.procRoot...), '/'), name...)
		p.path = append(p.path, "/stat"...)
		b, err := p.stat.read(string(p.path))
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
		if c.python {
			nPy, rssPy = nPy+1, rssPy+c.rss
		} else {
			nOther, rssOther = nOther+1, rssOther+c.rss
		}
	}
	r.Int(catalog.ChildrenCount, childPython, nPy)
	r.Int(catalog.ChildrenCount, childOther, nOther)
	r.Int(catalog.ChildrenMemoryUsage, childPython, rssPy)
	r.Int(catalog.ChildrenMemoryUsage, childOther, rssOther)
	return nil
}
