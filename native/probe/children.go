package probe

import (
	"bytes"
	"strconv"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register(catalog.SparkotelProbeChildren, newChildrenProbe) }

// childrenProbe finds every process below the JVM (PySpark daemon and workers, piped
// commands) from /proc/<pid>/stat: one read per process gives its parent, name and RSS.
//
// Listing /proc costs more than everything else we read, so it is skipped when it cannot
// find anything new: the last pid the kernel handed out in our pid namespace (/proc/loadavg)
// has not moved since the last listing, so no process was created since, and re-reading the
// descendants already known is enough (an exited one fails to read; an orphan's new parent
// is not ours). When it has moved, processes found not to be ours are still remembered and
// skipped: a process never moves into our tree, and a new child gets a new /proc/<pid>
// directory, whose inode the listing returns anyway, so a reused pid is read again. A full
// rescan every fullRescanEvery cycles is a safety net, not the mechanism.
type childrenProbe struct {
	procRoot    string
	loadavgPath string
	self        int64
	r, stat     fileReader
	path, num   []byte
	procs       map[int64]childInfo // reused across cycles
	kids        map[int64][]int64
	queue       []int64
	ours        []int64          // the descendants found last cycle
	foreign     map[int64]uint64 // pid -> inode of its /proc directory, known not below us
	inodes      []pidInode       // this cycle's newly read pids (reused)
	listedAt    int64            // the last pid handed out when /proc was last listed; -1: unknown
	cycle       int
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
	return &childrenProbe{procRoot: env.ProcRoot, loadavgPath: env.ProcRoot + "/loadavg", self: int64(env.PID),
		procs: map[int64]childInfo{}, kids: map[int64][]int64{}, foreign: map[int64]uint64{}, listedAt: -1}
}

// isPython: PySpark workers run as python, python3, python3.11, ... (comm is cut at 15 bytes).
func isPython(comm []byte) bool { return bytes.HasPrefix(comm, []byte("python")) }

func (p *childrenProbe) Collect(r *Recorder) error {
	clear(p.procs)
	for k, v := range p.kids {
		p.kids[k] = v[:0]
	}
	rescan := p.cycle%fullRescanEvery == 0
	if rescan {
		clear(p.foreign)
	}
	p.cycle++
	// Read before listing: a process created during the listing moves it, and the next cycle lists again.
	last := p.lastPID()
	inodes := p.inodes[:0]
	if last >= 0 && last == p.listedAt && !rescan {
		for _, pid := range p.ours {
			p.num = strconv.AppendInt(p.num[:0], pid, 10)
			p.readStat(pid, p.num)
		}
	} else {
		err := p.r.eachDirent(p.procRoot, func(ino uint64, name []byte) {
			pid, rest, ok := parseUint(name)
			if !ok || len(rest) != 0 || pid == p.self {
				return
			}
			if known, ok := p.foreign[pid]; ok && known == ino {
				return
			}
			inodes = append(inodes, pidInode{pid, ino})
			p.readStat(pid, name)
		})
		if err != nil {
			return err
		}
		p.listedAt = last
	}
	var nPy, nOther, rssPy, rssOther int64
	p.ours = p.ours[:0]
	p.queue = append(p.queue[:0], p.kids[p.self]...)
	for len(p.queue) > 0 {
		pid := p.queue[len(p.queue)-1]
		p.queue = append(p.queue[:len(p.queue)-1], p.kids[pid]...)
		c := p.procs[pid]
		c.ours = true
		p.procs[pid] = c
		p.ours = append(p.ours, pid)
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
	r.RecordChildrenCount(catalog.ChildKindPython, nPy)
	r.RecordChildrenCount(catalog.ChildKindOther, nOther)
	r.RecordChildrenMemoryUsage(catalog.ChildKindPython, rssPy)
	r.RecordChildrenMemoryUsage(catalog.ChildKindOther, rssOther)
	return nil
}

// readStat reads /proc/<name>/stat into procs and kids; a process that exited is skipped.
func (p *childrenProbe) readStat(pid int64, name []byte) {
	p.path = append(append(append(p.path[:0], p.procRoot...), '/'), name...)
	p.path = append(p.path, "/stat"...)
	b, err := p.stat.readOnce(string(p.path))
	if err != nil {
		return
	}
	st, err := parseStat(b)
	if err != nil {
		return
	}
	p.procs[pid] = childInfo{rss: st.RSS * pageSize, python: isPython(st.Comm)}
	p.kids[st.PPID] = append(p.kids[st.PPID], pid)
}

// lastPID is the last pid handed out in our pid namespace (the last field of /proc/loadavg),
// or -1 when it cannot be read.
func (p *childrenProbe) lastPID() int64 {
	b, err := p.r.read(p.loadavgPath)
	if err != nil {
		return -1
	}
	b = bytes.TrimRight(b, "\n ")
	v, rest, ok := parseUint(b[bytes.LastIndexByte(b, ' ')+1:])
	if !ok || len(rest) != 0 {
		return -1
	}
	return v
}
