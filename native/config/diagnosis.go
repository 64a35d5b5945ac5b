package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Forensics: what the JVM side does when its heap nears the limit. All off by default.
type Forensics struct {
	Histogram      bool          // a class histogram at the threshold
	Threshold      float64       // heap used after GC / max that triggers the histogram and the dump
	HistogramEvery time.Duration // at most one histogram per this period
	HeapDumpURI    string        // "" = no dump; else a directory or Hadoop FileSystem URI the dump is copied to
	NMTEvery       time.Duration // 0 = off; else how often NMT's summary is read (needs -XX:NativeMemoryTracking)
}

// NearLimit: when the headroom to the nearest memory limit falls under Headroom, the JVM
// samples every Interval and has each sample sent at once, until the headroom recovers.
type NearLimit struct {
	Headroom float64       // a share of the limit; 0 = off
	Interval time.Duration // the period near the limit
}

// diagnosisHelp: the diagnosis's keys and what each accepts (merged into keyHelp).
var diagnosisHelp = map[string]string{
	"forensics.histogram":          "true or false",
	"forensics.heap.threshold":     "a fraction of the maximum heap from 0.01 to 1, such as 0.95",
	"forensics.histogram.interval": "a duration from 10s to 24h, such as 1m",
	"forensics.heapdump.uri":       "a directory or a Hadoop FileSystem URI such as file:/dumps or s3a://bucket/dumps",
	"forensics.nmt.interval":       "a duration from 1s to 1h, such as 10s",
	"nearlimit.headroom":           "a fraction of the limit from 0 (off) to 0.5, such as 0.1",
	"nearlimit.interval":           "a duration from 100ms to 10s, such as 100ms",
}

func init() {
	for k, v := range diagnosisHelp {
		keyHelp[k] = v
	}
}

// parseDiagnosis sets one of the diagnosis's keys; false when k is not one of them.
func parseDiagnosis(cfg *Config, k, v string, bad func(key, value, why string)) bool {
	switch k {
	case "forensics.histogram":
		if b, err := strconv.ParseBool(v); err != nil {
			bad(k, v, "not a boolean")
		} else {
			cfg.Forensics.Histogram = b
		}
	case "forensics.heap.threshold":
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || !(f >= 0.01 && f <= 1) {
			bad(k, v, "not a fraction in range")
		} else {
			cfg.Forensics.Threshold = f
		}
	case "forensics.histogram.interval":
		if d, ok := parseDuration(v, 10*time.Second, 24*time.Hour); !ok {
			bad(k, v, "not a duration in range")
		} else {
			cfg.Forensics.HistogramEvery = d
		}
	case "forensics.nmt.interval":
		if d, ok := parseDuration(v, time.Second, time.Hour); !ok {
			bad(k, v, "not a duration in range")
		} else {
			cfg.Forensics.NMTEvery = d
		}
	case "forensics.heapdump.uri":
		if u := strings.TrimSpace(v); u == "" || strings.ContainsAny(u, "\n\t") {
			bad(k, v, "not a directory or URI")
		} else {
			cfg.Forensics.HeapDumpURI = u
		}
	case "nearlimit.headroom":
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || !(f >= 0 && f <= 0.5) {
			bad(k, v, "not a fraction in range")
		} else {
			cfg.NearLimit.Headroom = f
		}
	case "nearlimit.interval":
		if d, ok := parseDuration(v, 100*time.Millisecond, 10*time.Second); !ok {
			bad(k, v, "not a duration in range")
		} else {
			cfg.NearLimit.Interval = d
		}
	default:
		return false
	}
	return true
}

// diagnosisEffective renders the diagnosis's settings for the JVM side.
func (c Config) diagnosisEffective(b *strings.Builder) {
	f := c.Forensics
	fmt.Fprintf(b, "forensics.histogram=%t\n", f.Histogram)
	fmt.Fprintf(b, "forensics.heap.threshold=%s\n", strconv.FormatFloat(f.Threshold, 'g', -1, 64))
	fmt.Fprintf(b, "forensics.histogram.interval.ms=%d\n", f.HistogramEvery.Milliseconds())
	fmt.Fprintf(b, "forensics.heapdump.uri=%s\n", f.HeapDumpURI)
	fmt.Fprintf(b, "forensics.nmt.interval.ms=%d\n", f.NMTEvery.Milliseconds())
	fmt.Fprintf(b, "nearlimit.headroom=%s\n", strconv.FormatFloat(c.NearLimit.Headroom, 'g', -1, 64))
	fmt.Fprintf(b, "nearlimit.interval.ms=%d\n", c.NearLimit.Interval.Milliseconds())
}
