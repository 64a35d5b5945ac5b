package probe

import (
	"errors"
	"io/fs"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func init() { register(catalog.SparkotelProbeSystem, newSystemProbe) }

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
	r.RecordSystemMemoryLimit(m.Total)
	r.RecordSystemMemoryLinuxAvailable(m.Available)
	r.RecordSystemMemoryUsage(catalog.SystemMemoryStateUsed, m.Total-m.Free-m.Buffers-m.Cached)
	r.RecordSystemMemoryUsage(catalog.SystemMemoryStateFree, m.Free)
	r.RecordSystemMemoryUsage(catalog.SystemMemoryStateBuffers, m.Buffers)
	r.RecordSystemMemoryUsage(catalog.SystemMemoryStateCached, m.Cached)
	b, err = p.r.read(p.pressurePath)
	if errors.Is(err, fs.ErrNotExist) { // kernel without PSI: not reported
		return nil
	}
	if err != nil {
		return err
	}
	recordPSI(r, parsePSI(b), (*Recorder).RecordSystemMemoryPressure, (*Recorder).RecordSystemMemoryPressureStallTime)
	return nil
}

// psiRecorder is the Record method of a metric by sparkotel.psi.scope.
type psiRecorder func(*Recorder, catalog.PsiScope, float64)

// recordPSI records the avg10 share and, when stall is not nil, the stall time.
func recordPSI(r *Recorder, p psi, share, stall psiRecorder) {
	if p.HasSome {
		share(r, catalog.PsiScopeSome, p.SomeAvg10)
		if stall != nil {
			stall(r, catalog.PsiScopeSome, float64(p.SomeTotal)/1e6)
		}
	}
	if p.HasFull {
		share(r, catalog.PsiScopeFull, p.FullAvg10)
		if stall != nil {
			stall(r, catalog.PsiScopeFull, float64(p.FullTotal)/1e6)
		}
	}
}
