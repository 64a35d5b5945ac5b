package probe

import (
	"errors"
	"io/fs"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register("system", newSystemProbe) }

var (
	memUsed    = attrSet("system.memory.state", "used")
	memFree    = attrSet("system.memory.state", "free")
	memBuffers = attrSet("system.memory.state", "buffers")
	memCached  = attrSet("system.memory.state", "cached")
)

type meminfo struct{ Total, Free, Available, Buffers, Cached int64 }

// parseMeminfo reads the /proc/meminfo keys we use (kB, returned in bytes).
func parseMeminfo(b []byte) meminfo {
	var m meminfo
	eachLine(b, func(line []byte) {
		k, v := keyValue(line)
		var dst *int64
		switch string(k) {
		case "MemTotal":
			dst = &m.Total
		case "MemFree":
			dst = &m.Free
		case "MemAvailable":
			dst = &m.Available
		case "Buffers":
			dst = &m.Buffers
		case "Cached":
			dst = &m.Cached
		default:
			return
		}
		*dst, _ = kBValue(v)
	})
	return m
}

type systemProbe struct {
	meminfoPath, pressurePath string
	r                         fileReader
}

func newSystemProbe(env Env) Probe {
	return &systemProbe{meminfoPath: env.ProcRoot + "/meminfo", pressurePath: env.ProcRoot + "/pressure/memory"}
}

func (p *systemProbe) Collect(r *Recorder) error {
	b, err := p.r.read(p.meminfoPath)
	if err != nil {
		return err
	}
	m := parseMeminfo(b)
	r.Int(catalog.SystemMemoryLimit, none, m.Total)
	r.Int(catalog.SystemMemoryLinuxAvailable, none, m.Available)
	r.Int(catalog.SystemMemoryUsage, memUsed, m.Total-m.Free-m.Buffers-m.Cached)
	r.Int(catalog.SystemMemoryUsage, memFree, m.Free)
	r.Int(catalog.SystemMemoryUsage, memBuffers, m.Buffers)
	r.Int(catalog.SystemMemoryUsage, memCached, m.Cached)
	b, err = p.r.read(p.pressurePath)
	if errors.Is(err, fs.ErrNotExist) { // kernel without PSI: not reported
		return nil
	}
	if err != nil {
		return err
	}
	recordPSI(r, parsePSI(b), catalog.SystemMemoryPressure, catalog.SystemMemoryPressureStallTime)
	return nil
}

// recordPSI records the avg10 share and, when stall is a metric, the stall time.
func recordPSI(r *Recorder, p psi, share, stall catalog.ID) {
	if p.HasSome {
		r.Float(share, psiSome, p.SomeAvg10)
		if stall >= 0 {
			r.Float(stall, psiSome, float64(p.SomeTotal)/1e6)
		}
	}
	if p.HasFull {
		r.Float(share, psiFull, p.FullAvg10)
		if stall >= 0 {
			r.Float(stall, psiFull, float64(p.FullTotal)/1e6)
		}
	}
}
