package config

import (
	"fmt"
	"strings"
)

// Effective renders the settings the JVM side acts on, as "key=value" lines. Every key is
// parsed here only; the JVM uses these values rather than parsing the keys again.
func (c Config) Effective() string {
	var b strings.Builder
	fmt.Fprintf(&b, "interval.ms=%d\n", c.Interval.Milliseconds())
	fmt.Fprintf(&b, "export.interval.ms=%d\n", c.ExportEvery.Milliseconds())
	fmt.Fprintf(&b, "exporter=%s\n", c.Exporter)
	c.diagnosisEffective(&b)
	return b.String()
}
