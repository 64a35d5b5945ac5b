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
// tree, and a new child gets a new /proc/<pid> directory, whose inode the listing returns
// anyway, so a reused pid is read again. Only new processes and our own descendants are read
// each cycle. A full rescan every fullRescanEvery cycles is a safety net, not the mechanism.
type childrenProbe struct {
	procRoot string
	self     int64
	r, stat  fileReader
	path     []byte
	procs    map[int64]childInfo // reused across cycles
	kids     map[int64][]int64
	queue    []int64
	foreign  map[int64]uint64 // pid -> inode of its /proc directory, known not below us
	inodes   []pidInode       // this cycle's newly read pids (reused)
	cycle    int
}

type pidInode struct {
	pid int64
	ino uint64
}

const fullRescanEvery = 300

type childInfo struct {
	rss    int64
	python bool
	ours   bool
}

func newChildrenProbe(env Env) Probe {
	return &childrenProbe{procRoot: env.ProcRoot, self: int64(env.PID),
		procs: map[int64]childInfo{}, kids: map[int64][]int64{}, foreign: map[int64]uint64{}}
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
	inodes := p.inodes[:0]
	err := p.r.eachDirent(p.procRoot, func(ino uint64, name []byte) {
		pid, rest, ok := parseUint(name)
		if !ok || len(rest) != 0 || pid == p.self {
			return
		}
		if known, ok := p.foreign[pid]; ok && known == ino {
			return
		}
		inodes = append(inodes, pidInode{pid, ino})
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
	for _, pi := range inodes {
		if c, read := p.procs[pi.pid]; read && !c.ours {
			p.foreign[pi.pid] = pi.ino
		}
	}
	p.inodes = inodes
	r.Int(catalog.ChildrenCount, childPython, nPy)
	r.Int(catalog.ChildrenCount, childOther, nOther)
	r.Int(catalog.ChildrenMemoryUsage, childPython, rssPy)
	r.Int(catalog.ChildrenMemoryUsage, childOther, rssOther)
	return nil
}
