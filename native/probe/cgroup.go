package probe

import (
	"bytes"
	"os"
	"slices"

	"github.com/prometheus/procfs"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register(catalog.SparkotelProbeCgroup, newCgroupProbe) }

// v1 reports "unlimited" as a huge page-aligned number (9223372036854771712); anything at or
// above this is no limit.
const cgroupV1Unlimited = int64(1) << 60

var (
	cgroupFiles = map[int]cgroupLayout{
		2: {usage: "memory.current", limit: "memory.max", peak: "memory.peak", stat: "memory.stat",
			anon: []string{"anon"}, file: []string{"file"}},
		1: {usage: "memory.usage_in_bytes", limit: "memory.limit_in_bytes", peak: "memory.max_usage_in_bytes",
			stat: "memory.stat", anon: []string{"total_rss", "rss"}, file: []string{"total_cache", "cache"}},
	}
)

// cgroupLayout names the files of one cgroup version; memory.stat keys are tried in order.
type cgroupLayout struct {
	usage, limit, peak, stat string
	anon, file               []string
}

// cgroupProbe reads the memory controller of the cgroup the process is in, v2 or v1, found
// once from /proc/<pid>/cgroup. Without a memory controller it reports nothing.
type cgroupProbe struct {
	dir     string // "" when no memory controller was found
	version int
	r       fileReader
}

func newCgroupProbe(env Env) Probe {
	p := &cgroupProbe{}
	p.dir, p.version = findMemoryCgroup(env)
	return p
}

// findMemoryCgroup resolves the memory cgroup directory. Inside a cgroup namespace the path
// in /proc/self/cgroup is relative to a root the container sees at the mount point itself,
// so the mount root is the fallback.
func findMemoryCgroup(env Env) (string, int) {
	fs, err := procfs.NewFS(env.ProcRoot)
	if err != nil {
		return "", 0
	}
	proc, err := fs.Proc(env.PID)
	if err != nil {
		return "", 0
	}
	groups, err := proc.Cgroups()
	if err != nil {
		return "", 0
	}
	base := env.SysRoot + "/fs/cgroup"
	for _, g := range groups { // v2 first: on a pure v2 host it is the only one
		if g.HierarchyID == 0 {
			for _, dir := range []string{base + g.Path, base} {
				if exists(dir + "/memory.current") {
					return dir, 2
				}
			}
		}
	}
	for _, g := range groups {
		if slices.Contains(g.Controllers, "memory") {
			for _, dir := range []string{base + "/memory" + g.Path, base + "/memory"} {
				if exists(dir + "/memory.usage_in_bytes") {
					return dir, 1
				}
			}
		}
	}
	return "", 0
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

func (p *cgroupProbe) Collect(r *Recorder) error {
	if p.dir == "" {
		return nil
	}
	files := cgroupFiles[p.version]
	usage, err := p.readInt(files.usage)
	if err != nil {
		return err
	}
	r.RecordContainerMemoryUsage(usage)
	if limit, ok := p.optInt(files.limit); ok && limit < cgroupV1Unlimited {
		r.RecordCgroupMemoryLimit(limit)
		r.RecordCgroupMemoryHeadroom(limit - usage)
	}
	if peak, ok := p.optInt(files.peak); ok {
		r.RecordCgroupMemoryPeak(peak)
	}
	if b, err := p.r.read(p.dir + "/" + files.stat); err == nil {
		anon, file := flatKeyed(b, files.anon), flatKeyed(b, files.file)
		if anon >= 0 {
			r.RecordCgroupMemoryStat(catalog.CgroupMemoryKindAnon, anon)
		}
		if file >= 0 {
			r.RecordCgroupMemoryStat(catalog.CgroupMemoryKindFile, file)
		}
	}
	if p.version == 2 {
		p.collectV2Events(r)
	} else {
		p.collectV1Events(r)
	}
	return nil
}

func (p *cgroupProbe) collectV2Events(r *Recorder) {
	if b, err := p.r.read(p.dir + "/memory.events"); err == nil {
		for _, e := range v2Events {
			if v := flatKeyed(b, []string{e.key}); v >= 0 {
				r.RecordCgroupMemoryEvents(e.event, v)
			}
		}
	}
	if b, err := p.r.read(p.dir + "/memory.pressure"); err == nil {
		recordPSI(r, parsePSI(b), (*Recorder).RecordCgroupMemoryPressure, nil)
	}
}

func (p *cgroupProbe) collectV1Events(r *Recorder) {
	if b, err := p.r.read(p.dir + "/memory.oom_control"); err == nil {
		if v := flatKeyed(b, []string{"oom_kill"}); v >= 0 { // kernels >= 4.13
			r.RecordCgroupMemoryEvents(catalog.CgroupEventOomKill, v)
		}
	}
	if v, ok := p.optInt("memory.failcnt"); ok { // v1's count of hits on the limit
		r.RecordCgroupMemoryEvents(catalog.CgroupEventMax, v)
	}
}

// v2Events are the memory.events keys we report, with the value each is reported as.
var v2Events = [...]struct {
	key   string
	event catalog.CgroupEvent
}{
	{"oom", catalog.CgroupEventOom},
	{"oom_kill", catalog.CgroupEventOomKill},
	{"max", catalog.CgroupEventMax},
	{"high", catalog.CgroupEventHigh},
}

// readInt reads a one-number file; "max" (v2 unlimited) reads as cgroupV1Unlimited.
func (p *cgroupProbe) readInt(name string) (int64, error) {
	b, err := p.r.read(p.dir + "/" + name)
	if err != nil {
		return 0, err
	}
	return parseCgroupValue(b)
}

func (p *cgroupProbe) optInt(name string) (int64, bool) {
	v, err := p.readInt(name)
	return v, err == nil
}

var errCgroupValue = os.ErrInvalid

func parseCgroupValue(b []byte) (int64, error) {
	b = bytes.TrimSpace(b)
	if string(b) == "max" {
		return cgroupV1Unlimited, nil
	}
	v, rest, ok := parseUint(b)
	if !ok || len(rest) != 0 {
		return 0, errCgroupValue
	}
	return v, nil
}

// flatKeyed returns the value of the first of keys found in a "key value" per line file
// (memory.stat, memory.events, memory.oom_control), or -1.
func flatKeyed(b []byte, keys []string) int64 {
	for _, want := range keys {
		found := int64(-1)
		eachLine(b, func(line []byte) {
			if found >= 0 {
				return
			}
			k, v := keyValue(line)
			if string(k) == want {
				if n, _, ok := parseUint(v); ok {
					found = n
				}
			}
		})
		if found >= 0 {
			return found
		}
	}
	return -1
}
