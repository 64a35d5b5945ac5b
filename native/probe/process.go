package probe

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"syscall"

	"github.com/sparkotel/sparkotel/native/catalog"
)

// clockTicks is USER_HZ, the unit of CPU times in /proc/<pid>/stat. It is 100 on every
// Linux architecture Spark runs on (the kernel ABI fixes it), so no sysconf call is needed.
const clockTicks = 100

var pageSize = int64(os.Getpagesize())

func init() { register(catalog.SparkotelProbeProcess, newProcessProbe) }

// statusField indexes the /proc/<pid>/status keys we read.
type statusField int

const (
	vmRSS statusField = iota
	vmHWM
	vmSize
	vmSwap
	rssAnon
	rssFile
	rssShmem
	threads
	nStatusFields
)

var statusKeys = [nStatusFields]string{"VmRSS", "VmHWM", "VmSize", "VmSwap", "RssAnon", "RssFile", "RssShmem", "Threads"}

// procStatus holds the fields found in /proc/<pid>/status; found marks the present ones
// (a kernel thread or an old kernel lacks some: missing is not zero).
type procStatus struct {
	v     [nStatusFields]int64
	found uint32
}

func (s *procStatus) get(f statusField) (int64, bool) { return s.v[f], s.found&(1<<f) != 0 }

// parseStatus reads /proc/<pid>/status; sizes come in kB and are returned in bytes.
func parseStatus(b []byte) procStatus {
	var s procStatus
	eachLine(b, func(line []byte) {
		k, v := keyValue(line)
		for f := statusField(0); f < nStatusFields; f++ {
			if string(k) == statusKeys[f] { // no allocation: the compiler compares in place
				if n, ok := kBValue(v); ok {
					s.v[f], s.found = n, s.found|1<<f
				}
				return
			}
		}
	})
	return s
}

// procStat is what we use of /proc/<pid>/stat.
type procStat struct {
	Comm                []byte // valid while the read buffer is
	PPID                int64
	MinFlt, MajFlt      int64
	UTime, STime        int64 // clock ticks
	Threads, VSize, RSS int64 // RSS in pages
}

var errStatFormat = errors.New("malformed /proc/<pid>/stat")

// parseStat reads /proc/<pid>/stat. The command name may contain spaces and parentheses,
// so fields are counted from the last ')'.
func parseStat(b []byte) (procStat, error) {
	var s procStat
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return s, errStatFormat
	}
	s.Comm = b[open+1 : end]
	rest := b[end+1:]
	// Field numbers after ')' (0 = state), per proc(5): 1 ppid, 7 minflt, 9 majflt,
	// 11 utime, 12 stime, 17 num_threads, 20 vsize, 21 rss.
	for field := 0; field <= 21; field++ {
		rest = bytes.TrimLeft(rest, " ")
		i := bytes.IndexByte(rest, ' ')
		if i < 0 {
			i = len(rest)
		}
		tok := rest[:i]
		rest = rest[i:]
		var dst *int64
		switch field {
		case 1:
			dst = &s.PPID
		case 7:
			dst = &s.MinFlt
		case 9:
			dst = &s.MajFlt
		case 11:
			dst = &s.UTime
		case 12:
			dst = &s.STime
		case 17:
			dst = &s.Threads
		case 20:
			dst = &s.VSize
		case 21:
			dst = &s.RSS
		default:
			continue
		}
		v, _, ok := parseUint(tok)
		if !ok {
			return s, errStatFormat
		}
		*dst = v
	}
	return s, nil
}

// statusMetrics maps status fields to their recorders; absent fields are not reported.
var statusMetrics = []struct {
	field  statusField
	record func(*Recorder, int64)
}{
	{vmRSS, (*Recorder).RecordProcessMemoryUsage},
	{vmSize, (*Recorder).RecordProcessMemoryVirtual},
	{vmHWM, (*Recorder).RecordProcessMemoryPeak},
	{vmSwap, (*Recorder).RecordProcessMemorySwap},
	{threads, (*Recorder).RecordProcessThreadCount},
	{rssAnon, func(r *Recorder, v int64) { r.RecordProcessMemoryRss(catalog.RssKindAnon, v) }},
	{rssFile, func(r *Recorder, v int64) { r.RecordProcessMemoryRss(catalog.RssKindFile, v) }},
	{rssShmem, func(r *Recorder, v int64) { r.RecordProcessMemoryRss(catalog.RssKindShmem, v) }},
}

type processProbe struct {
	statusPath, statPath, fdPath string
	fds                          fdCounting
	r                            fileReader
}

func newProcessProbe(env Env) Probe {
	dir := env.ProcRoot + "/" + strconv.Itoa(env.PID)
	p := &processProbe{statusPath: dir + "/status", statPath: dir + "/stat", fdPath: dir + "/fd"}
	p.fds = howToCountFDs(p.fdPath, env.PID == os.Getpid())
	return p
}

// fdCounting is how the descriptors in /proc/<pid>/fd are counted on this kernel.
type fdCounting int8

const (
	fdsBySize       fdCounting = iota // Linux 6.2+: the directory's size is the count, one stat
	fdsByListing                      // list the directory (older kernels, fixture trees)
	fdsByOwnListing                   // list our own fd directory, whose listing adds a descriptor
)

const procSuperMagic = 0x9fa0

func howToCountFDs(path string, self bool) fdCounting {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(path, &fs); err != nil || fs.Type != procSuperMagic {
		return fdsByListing
	}
	var st syscall.Stat_t
	if syscall.Stat(path, &st) == nil && st.Size > 0 {
		return fdsBySize
	}
	if self {
		return fdsByOwnListing
	}
	return fdsByListing
}

// countFDs counts open descriptors without listing hundreds of a JVM's where the kernel allows.
func (p *processProbe) countFDs() (int, error) {
	if p.fds == fdsBySize {
		var st syscall.Stat_t
		if err := syscall.Stat(p.fdPath, &st); err != nil {
			return 0, err
		}
		return int(st.Size), nil
	}
	n, err := p.r.countDir(p.fdPath)
	if p.fds == fdsByOwnListing && n > 0 {
		n--
	}
	return n, err
}

func (p *processProbe) Collect(r *Recorder) error {
	b, err := p.r.read(p.statusPath)
	if err != nil {
		return err
	}
	st := parseStatus(b)
	for _, m := range statusMetrics {
		if v, ok := st.get(m.field); ok {
			m.record(r, v)
		}
	}
	if b, err = p.r.read(p.statPath); err != nil {
		return err
	}
	ps, err := parseStat(b)
	if err != nil {
		return err
	}
	r.RecordProcessCpuTime(catalog.CpuModeUser, float64(ps.UTime)/clockTicks)
	r.RecordProcessCpuTime(catalog.CpuModeSystem, float64(ps.STime)/clockTicks)
	r.RecordProcessPagingFaults(catalog.SystemPagingFaultTypeMajor, ps.MajFlt)
	r.RecordProcessPagingFaults(catalog.SystemPagingFaultTypeMinor, ps.MinFlt)
	n, err := p.countFDs()
	if err != nil {
		return err
	}
	r.RecordProcessUnixFileDescriptorCount(int64(n))
	return nil
}
