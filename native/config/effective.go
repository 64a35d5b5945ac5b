package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Effective renders the settings the JVM side acts on, as "key=value" lines. Every key is
// parsed here only; the JVM uses these values rather than parsing the keys again.
func (c Config) Effective() string {
	var b strings.Builder
	fmt.Fprintf(&b, "interval.ms=%d\n", c.Interval.Milliseconds())
	fmt.Fprintf(&b, "export.interval.ms=%d\n", c.ExportEvery.Milliseconds())
	fmt.Fprintf(&b, "exporter=%s\n", c.Exporter)
	f := c.Forensics
	fmt.Fprintf(&b, "forensics.histogram=%t\n", f.Histogram)
	fmt.Fprintf(&b, "forensics.heap.threshold=%s\n", strconv.FormatFloat(f.Threshold, 'g', -1, 64))
	fmt.Fprintf(&b, "forensics.histogram.interval.ms=%d\n", f.HistogramEvery.Milliseconds())
	fmt.Fprintf(&b, "forensics.heapdump.uri=%s\n", f.HeapDumpURI)
	fmt.Fprintf(&b, "forensics.nmt.interval.ms=%d\n", f.NMTEvery.Milliseconds())
	return b.String()
}
