package config

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// The OTLP transports; the names are the OTLP exporter spec's values of OTEL_EXPORTER_OTLP_PROTOCOL.
const (
	GRPC         = "grpc"
	HTTPProtobuf = "http/protobuf"
)

// Standard variables: the metrics-specific one is the more specific choice, so it wins.
const (
	envProtocol        = "OTEL_EXPORTER_OTLP_PROTOCOL"
	envMetricsProtocol = "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"
	envEndpoint        = "OTEL_EXPORTER_OTLP_ENDPOINT"
	envMetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"
)

// defaultHTTPBase is the collector's default OTLP/HTTP receiver, plaintext on this host.
const defaultHTTPBase = "http://localhost:4318"

// metricsPath is what the OTLP spec appends to a base endpoint for the metrics signal.
const metricsPath = "/v1/metrics"

// protocolFromEnv is the protocol the standard variables ask for, or a problem naming the
// variable. Only consulted when the protocol key is not set: a key wins over the environment.
func protocolFromEnv() (proto, problem string) {
	for _, name := range []string{envMetricsProtocol, envProtocol} {
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			continue
		}
		if v != GRPC && v != HTTPProtobuf {
			return "", fmt.Sprintf("%s=%q: not a supported protocol; accepted: %s", name, v, keyHelp["protocol"])
		}
		return v, ""
	}
	return "", ""
}

// httpURL is the URL OTLP/HTTP metrics are posted to, by the OTLP exporter spec's rules: the
// endpoint key and OTEL_EXPORTER_OTLP_ENDPOINT are base URLs that get /v1/metrics appended;
// OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is the signal's own URL, used as is. A bad source is
// reported and the next one used, as a bad key falls back to its default.
func httpURL(cfg Config, prefix string) (target string, problems []string) {
	sources := []struct {
		name, value string
		base        bool
	}{
		{prefix + "endpoint", cfg.Endpoint, true},
		{envMetricsEndpoint, os.Getenv(envMetricsEndpoint), false},
		{envEndpoint, os.Getenv(envEndpoint), true},
	}
	for _, s := range sources {
		if strings.TrimSpace(s.value) == "" {
			continue
		}
		u, err := parseHTTPEndpoint(strings.TrimSpace(s.value), cfg)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s=%q: %v; accepted: %s", s.name, s.value, err, httpEndpointHelp))
			continue
		}
		if s.base {
			u.Path = strings.TrimSuffix(u.Path, "/") + metricsPath
		}
		return u.String(), problems
	}
	u, _ := parseHTTPEndpoint(defaultHTTPBase, cfg)
	u.Path = metricsPath
	return u.String(), problems
}

const httpEndpointHelp = "host:port or an http:// or https:// URL, with protocol=http/protobuf"

// parseHTTPEndpoint reads v as a URL. A bare host:port is plaintext, as with gRPC, unless TLS
// was asked for (insecure=false or a certificate); insecure=true forces plaintext, as it does
// for gRPC.
func parseHTTPEndpoint(v string, cfg Config) (*url.URL, error) {
	lower := strings.ToLower(v)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		if strings.Contains(v, "://") {
			return nil, fmt.Errorf("not an http:// or https:// URL")
		}
		scheme := "http://"
		if cfg.Certificate != "" || (cfg.Insecure != nil && !*cfg.Insecure) {
			scheme = "https://"
		}
		v = scheme + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("not a URL with a host")
	}
	if cfg.Insecure != nil && *cfg.Insecure {
		u.Scheme = "http"
	}
	return u, nil
}
