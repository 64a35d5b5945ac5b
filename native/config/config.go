package config

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the validated configuration of the core.
type Config struct {
	Exporter    string            // otlp | console | none
	Protocol    string            // grpc | http/protobuf (key, else OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL)
	Endpoint    string            // "" = OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT, else localhost:4317
	MetricsURL  string            // http/protobuf only: the URL posted to, after the spec's path rules
	Insecure    *bool             // nil = from the endpoint's scheme / OTEL env
	Headers     map[string]string // nil = OTEL_EXPORTER_OTLP_[METRICS_]HEADERS
	Certificate string            // CA file for TLS
	Compression string            // "" | gzip | none
	Timeout     time.Duration     // per export, retries included
	Temporality string            // "" (env or cumulative) | cumulative | delta
	Interval    time.Duration     // sampling period
	ExportEvery time.Duration     // export period, at least Interval: each export carries the samples since the last
	Probes      []string          // nil = all
	ConsolePath string            // console exporter output; "" = stdout
	ProcRoot    string
	PID         int // the process to describe: this one (tests point it into fixtures)
	SysRoot     string
	GoMaxProcs  int
	GoMemLimit  int64
	Identity    map[string]string // spark.app.id, spark.app.name, spark.executor.id, host.name, service.name
	Version     string
	Forensics   Forensics // opt-in, acted on by the JVM side (docs/diagnosis.md)
	NearLimit   NearLimit // acted on by the JVM side (docs/diagnosis.md)
}

// Keys the JVM may pass and what each accepts; the messages quote these.
var keyHelp = map[string]string{
	"exporter":        "otlp, console or none",
	"protocol":        "grpc or http/protobuf",
	"endpoint":        "host:port or a URL such as http://collector:4317",
	"insecure":        "true or false",
	"headers":         "comma-separated key=value pairs",
	"certificate":     "the path of a readable PEM CA file",
	"compression":     "gzip or none",
	"timeout":         "a duration such as 5s or 500ms (100ms to 60s)",
	"temporality":     "cumulative or delta",
	"interval":        "a duration such as 1s or 250ms (100ms to 1h)",
	"export.interval": "a duration from the interval to 1h, such as 5s",
	"probes":          "a comma-separated list of probe names",
	"console.path":    "a file path",
	"proc.root":       "a directory",
	"sys.root":        "a directory",
	"go.maxprocs":     "an integer from 1 to 64",
	"go.memory.limit": "a size in bytes, 8 MiB or more (suffixes k, m, g allowed)",
	"config.lenient":  "true or false",
	"config.prefix":   "the prefix to name keys with in messages",
}

// envInterval is the standard variable for the period of a periodic metric reader.
const envInterval = "OTEL_METRIC_EXPORT_INTERVAL"

var identityKeys = []string{"spark.app.id", "spark.app.name", "spark.executor.id", "host.name", "service.name"}

// Defaults: 1 s sampling is cheap (docs/performance.md); one P and a 32 MiB memory limit keep
// the Go runtime small inside a big JVM.
func defaults() Config {
	return Config{Exporter: "otlp", Protocol: GRPC, Timeout: 10 * time.Second, Interval: time.Second,
		ProcRoot: "/proc", SysRoot: "/sys", PID: os.Getpid(), GoMaxProcs: 1, GoMemLimit: 32 << 20,
		Identity: map[string]string{}, Forensics: Forensics{Threshold: 0.95, HistogramEvery: time.Minute},
		NearLimit: NearLimit{Headroom: 0.10, Interval: 100 * time.Millisecond}}
}

// Parse validates kv. In strict mode any problem is an error naming every bad key and what
// it accepts. With config.lenient=true each bad value is replaced by its default and
// reported in warnings instead, so a typo costs one log line, not the feature.
// OTEL_METRIC_EXPORT_INTERVAL (milliseconds) is the interval when the interval key is not set.
func Parse(kv map[string]string, probeNames []string) (cfg Config, warnings []string, err error) {
	cfg = defaults()
	prefix := kv["config.prefix"]
	lenient := kv["config.lenient"] == "true"
	var problems []string
	bad := func(key, value, why string) {
		problems = append(problems, fmt.Sprintf("%s%s=%q: %s; accepted: %s", prefix, key, value, why, keyHelp[key]))
	}
	if v, ok := os.LookupEnv(envInterval); ok && kv["interval"] == "" {
		if ms, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || ms < 100 || ms > 3600000 {
			problems = append(problems, fmt.Sprintf("%s=%q: not in range; accepted: milliseconds from 100 to 3600000", envInterval, v))
		} else {
			cfg.Interval = time.Duration(ms) * time.Millisecond
		}
	}
	if _, ok := kv["protocol"]; !ok {
		if p, problem := protocolFromEnv(); problem != "" {
			problems = append(problems, problem)
		} else if p != "" {
			cfg.Protocol = p
		}
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := kv[k]
		switch k {
		case "exporter":
			choose(&cfg.Exporter, k, v, bad, "otlp", "console", "none")
		case "protocol":
			choose(&cfg.Protocol, k, v, bad, GRPC, HTTPProtobuf)
		case "endpoint":
			cfg.Endpoint = v
		case "insecure":
			if b, err := strconv.ParseBool(v); err != nil {
				bad(k, v, "not a boolean")
			} else {
				cfg.Insecure = &b
			}
		case "headers":
			if h, ok := parseHeaders(v); !ok {
				bad(k, v, "not key=value pairs")
			} else {
				cfg.Headers = h
			}
		case "certificate":
			if _, err := os.Stat(v); err != nil {
				bad(k, v, "cannot read the file")
			} else {
				cfg.Certificate = v
			}
		case "compression":
			choose(&cfg.Compression, k, v, bad, "gzip", "none")
		case "timeout":
			if d, ok := parseDuration(v, 100*time.Millisecond, time.Minute); !ok {
				bad(k, v, "not a duration in range")
			} else {
				cfg.Timeout = d
			}
		case "temporality":
			choose(&cfg.Temporality, k, v, bad, "cumulative", "delta")
		case "interval":
			if d, ok := parseDuration(v, 100*time.Millisecond, time.Hour); !ok {
				bad(k, v, "not a duration in range")
			} else {
				cfg.Interval = d
			}
		case "export.interval": // checked against the interval below, once both are known
		case "probes":
			names, unknown := splitKnown(v, probeNames)
			if unknown != "" {
				problems = append(problems, fmt.Sprintf("%s%s=%q: unknown probe %q; accepted: %s",
					prefix, k, v, unknown, strings.Join(probeNames, ", ")))
			} else {
				cfg.Probes = names
			}
		case "console.path":
			cfg.ConsolePath = v
		case "proc.root":
			cfg.ProcRoot = v
		case "sys.root":
			cfg.SysRoot = v
		case "go.maxprocs":
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 64 {
				bad(k, v, "out of range")
			} else {
				cfg.GoMaxProcs = n
			}
		case "go.memory.limit":
			if n, ok := parseSize(v); !ok || n < 8<<20 {
				bad(k, v, "not a size of 8 MiB or more")
			} else {
				cfg.GoMemLimit = n
			}
		case "config.lenient", "config.prefix":
		default:
			if parseDiagnosis(&cfg, k, v, bad) {
				break
			}
			if isIdentity(k) {
				cfg.Identity[k] = v
			} else {
				problems = append(problems, fmt.Sprintf("%s%s: unknown key; accepted: %s", prefix, k, strings.Join(acceptedKeys(), ", ")))
			}
		}
	}
	cfg.ExportEvery = exportEvery(cfg.Interval)
	if v, ok := kv["export.interval"]; ok {
		if d, ok := parseDuration(v, 100*time.Millisecond, time.Hour); !ok {
			bad("export.interval", v, "not a duration in range")
		} else if d < cfg.Interval {
			bad("export.interval", v, fmt.Sprintf("shorter than %sinterval (%v)", prefix, cfg.Interval))
		} else {
			cfg.ExportEvery = d
		}
	}
	if cfg.Exporter == "otlp" && cfg.Protocol == HTTPProtobuf {
		var urlProblems []string
		cfg.MetricsURL, urlProblems = httpURL(cfg, prefix)
		problems = append(problems, urlProblems...)
	}
	if len(problems) == 0 {
		return cfg, nil, nil
	}
	if lenient {
		for i := range problems {
			problems[i] += "; using the default"
		}
		return cfg, problems, nil
	}
	return Config{}, nil, fmt.Errorf("%s", strings.Join(problems, "; "))
}

// exportEvery is export.interval's default: every sample is sent at once down to 1 s; a
// shorter interval sends its samples a second at a time, several points per series in one
// request. That keeps at most about a second of samples in memory, so an executor killed
// by the kernel (exit 137) loses what it has not sent: the last second, as at 1 s sampling.
func exportEvery(interval time.Duration) time.Duration { return max(interval, time.Second) }
