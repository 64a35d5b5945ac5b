package config

import (
	"strings"
	"testing"
	"time"
)

var probeNames = []string{"process", "cgroup"}

func TestParseAcceptsEveryKey(t *testing.T) {
	cfg, warns, err := Parse(map[string]string{
		"exporter": "console", "endpoint": "collector:4317", "insecure": "true", "headers": "a=1, b = 2",
		"compression": "gzip", "timeout": "5s", "temporality": "delta", "interval": "250",
		"probes": "cgroup", "go.maxprocs": "1", "go.memory.limit": "64m", "spark.executor.id": "7",
	}, probeNames)
	if err != nil || warns != nil {
		t.Fatalf("err=%v warns=%v", err, warns)
	}
	if cfg.Exporter != "console" || !*cfg.Insecure || cfg.Headers["b"] != "2" || cfg.Timeout != 5*time.Second ||
		cfg.Interval != 250*time.Millisecond || cfg.Probes[0] != "cgroup" || cfg.GoMemLimit != 64<<20 ||
		cfg.Identity["spark.executor.id"] != "7" || cfg.Temporality != "delta" {
		t.Fatalf("cfg = %+v", cfg)
	}
}

func TestParseDefaultsAndEnv(t *testing.T) {
	cfg, _, _ := Parse(nil, probeNames)
	if cfg.Exporter != "otlp" || cfg.Interval != time.Second || cfg.GoMaxProcs != 1 {
		t.Fatalf("defaults = %+v", cfg)
	}
	t.Setenv("OTEL_METRIC_EXPORT_INTERVAL", "500")
	if cfg, _, _ := Parse(nil, probeNames); cfg.Interval != 500*time.Millisecond {
		t.Errorf("OTEL_METRIC_EXPORT_INTERVAL ignored: %v", cfg.Interval)
	}
	if cfg, _, _ := Parse(map[string]string{"interval": "2s"}, probeNames); cfg.Interval != 2*time.Second {
		t.Errorf("the interval key must win over the env: %v", cfg.Interval)
	}
	t.Setenv("OTEL_METRIC_EXPORT_INTERVAL", "7200000")
	_, _, err := Parse(nil, probeNames)
	if err == nil || !strings.Contains(err.Error(), `OTEL_METRIC_EXPORT_INTERVAL="7200000"`) || !strings.Contains(err.Error(), "100 to 3600000") {
		t.Errorf("an out-of-range OTEL_METRIC_EXPORT_INTERVAL must be named with its range: %v", err)
	}
	cfg, warns, err := Parse(map[string]string{"config.lenient": "true"}, probeNames)
	if err != nil || len(warns) != 1 || cfg.Interval != time.Second {
		t.Errorf("lenient: interval %v, warns=%v err=%v; want the 1s default and one warning", cfg.Interval, warns, err)
	}
}

// TestEffectiveRendersWhatTheJVMUses: the JVM samples at the interval the core parsed.
func TestEffectiveRendersWhatTheJVMUses(t *testing.T) {
	cfg, _, err := Parse(map[string]string{"interval": "250ms", "exporter": "none"}, probeNames)
	if err != nil {
		t.Fatal(err)
	}
	want := "interval.ms=250\nexport.interval.ms=1000\nexporter=none\n" +
		"forensics.histogram=false\nforensics.heap.threshold=0.95\nforensics.histogram.interval.ms=60000\nforensics.heapdump.uri=\nforensics.nmt.interval.ms=0\n" +
		"nearlimit.headroom=0.1\nnearlimit.interval.ms=100\n"
	if got := cfg.Effective(); got != want {
		t.Errorf("Effective() = %q, want %q", got, want)
	}
}

func TestParseErrorsNameKeyAndAcceptedValues(t *testing.T) {
	cases := map[string][]string{
		"interval=50ms":                   {`interval="50ms"`, "100ms to 1h"},
		"interval=1.5s":                   {`interval="1.5s"`, "250ms"},
		"exporter=kafka":                  {`exporter="kafka"`, "otlp, console or none"},
		"probes=cgroup,gpu":               {`unknown probe "gpu"`, "process, cgroup"},
		"intervall=1s":                    {"intervall: unknown key", "interval"},
		"headers=novalue":                 {`headers="novalue"`, "key=value"},
		"go.maxprocs=0":                   {`go.maxprocs="0"`, "1 to 64"},
		"export.interval=500ms":           {`export.interval="500ms"`, "shorter than interval (1s)", "from the interval to 1h"},
		"forensics.heap.threshold=95":     {`forensics.heap.threshold="95"`, "from 0.01 to 1"},
		"forensics.histogram=yes":         {`forensics.histogram="yes"`, "true or false"},
		"forensics.histogram.interval=1s": {`forensics.histogram.interval="1s"`, "10s to 24h"},
		"forensics.nmt.interval=100ms":    {`forensics.nmt.interval="100ms"`, "1s to 1h"},
	}
	for in, wants := range cases {
		k, v, _ := strings.Cut(in, "=")
		_, _, err := Parse(map[string]string{k: v}, probeNames)
		if err == nil {
			t.Errorf("%s: accepted", in)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", in, err, w)
			}
		}
	}
}

// TestExportIntervalDefaultsAndBounds: samples go out at once down to 1 s; shorter intervals
// are sent a second at a time unless export.interval says otherwise, never more often than
// they are sampled.
func TestExportIntervalDefaultsAndBounds(t *testing.T) {
	for _, c := range []struct {
		kv   map[string]string
		want time.Duration
	}{
		{nil, time.Second},
		{map[string]string{"interval": "250ms"}, time.Second},
		{map[string]string{"interval": "5s"}, 5 * time.Second},
		{map[string]string{"interval": "100ms", "export.interval": "200ms"}, 200 * time.Millisecond},
		{map[string]string{"interval": "1s", "export.interval": "1m"}, time.Minute},
		{map[string]string{"interval": "1s", "export.interval": "1s"}, time.Second},
	} {
		cfg, warns, err := Parse(c.kv, probeNames)
		if err != nil || warns != nil || cfg.ExportEvery != c.want {
			t.Errorf("%v: export every %v (err=%v warns=%v), want %v", c.kv, cfg.ExportEvery, err, warns, c.want)
		}
	}
	_, _, err := Parse(map[string]string{"interval": "2s", "export.interval": "1s", "config.prefix": "spark.x."}, probeNames)
	if err == nil || !strings.Contains(err.Error(), `spark.x.export.interval="1s": shorter than spark.x.interval (2s)`) {
		t.Errorf("export.interval below the interval: %v", err)
	}
	cfg, warns, err := Parse(map[string]string{"interval": "500ms", "export.interval": "2h", "config.lenient": "true"}, probeNames)
	if err != nil || len(warns) != 1 || cfg.ExportEvery != time.Second {
		t.Errorf("lenient: export every %v, warns=%v err=%v; want the 1s default and one warning", cfg.ExportEvery, warns, err)
	}
}

// TestForensicsKeys: off by default; the JVM acts on the values the core settled on.
func TestForensicsKeys(t *testing.T) {
	cfg, warns, err := Parse(map[string]string{"forensics.histogram": "true", "forensics.heap.threshold": "0.5",
		"forensics.histogram.interval": "2m", "forensics.heapdump.uri": "s3a://b/dumps", "forensics.nmt.interval": "10s"}, probeNames)
	if err != nil || warns != nil {
		t.Fatalf("err=%v warns=%v", err, warns)
	}
	want := Forensics{Histogram: true, Threshold: 0.5, HistogramEvery: 2 * time.Minute, HeapDumpURI: "s3a://b/dumps", NMTEvery: 10 * time.Second}
	if cfg.Forensics != want {
		t.Fatalf("forensics = %+v, want %+v", cfg.Forensics, want)
	}
	if e := cfg.Effective(); !strings.Contains(e, "forensics.histogram=true\nforensics.heap.threshold=0.5\nforensics.histogram.interval.ms=120000\nforensics.heapdump.uri=s3a://b/dumps\nforensics.nmt.interval.ms=10000\n") {
		t.Errorf("Effective() = %q", e)
	}
	cfg, warns, _ = Parse(map[string]string{"forensics.heap.threshold": "2", "config.lenient": "true"}, probeNames)
	if len(warns) != 1 || cfg.Forensics.Threshold != 0.95 || cfg.Forensics.Histogram {
		t.Errorf("lenient: %+v warns=%v; want the defaults and one warning", cfg.Forensics, warns)
	}
}
