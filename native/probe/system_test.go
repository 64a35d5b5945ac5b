package probe

import (
	"testing"
)

func TestSystemProbe(t *testing.T) {
	got := collect(t, fixtureEnv("v2"), "system")
	expect(t, got, map[string]float64{
		"system.memory.limit":                                                   16000000 * 1024,
		"system.memory.linux.available":                                         9000000 * 1024,
		"system.memory.usage{system.memory.state=used}":                         (16000000 - 2000000 - 500000 - 6000000) * 1024,
		"system.memory.usage{system.memory.state=free}":                         2000000 * 1024,
		"system.memory.usage{system.memory.state=buffers}":                      500000 * 1024,
		"system.memory.usage{system.memory.state=cached}":                       6000000 * 1024,
		"sparkotel.system.memory.pressure{sparkotel.psi.scope=some}":            1.5,
		"sparkotel.system.memory.pressure{sparkotel.psi.scope=full}":            0.25,
		"sparkotel.system.memory.pressure.stall_time{sparkotel.psi.scope=some}": 2.5,
	})
}
