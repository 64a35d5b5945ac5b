package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// clearOTLPEnv unsets the variables these tests set, so a developer's shell cannot leak in.
func clearOTLPEnv(t *testing.T) {
	for _, k := range []string{envProtocol, envMetricsProtocol, envEndpoint, envMetricsEndpoint} {
		t.Setenv(k, "")
	}
}

func TestProtocolKeyWinsOverEnvAndMetricsEnvOverGeneric(t *testing.T) {
	clearOTLPEnv(t)
	for _, c := range []struct {
		key, metricsEnv, env, want string
	}{
		{"", "", "", GRPC},
		{"http/protobuf", "", "", HTTPProtobuf},
		{"", "", "http/protobuf", HTTPProtobuf},
		{"", "grpc", "http/protobuf", GRPC},
		{"", "http/protobuf", "grpc", HTTPProtobuf},
		{"grpc", "http/protobuf", "http/protobuf", GRPC},
		{"http/protobuf", "grpc", "grpc", HTTPProtobuf},
	} {
		t.Setenv(envMetricsProtocol, c.metricsEnv)
		t.Setenv(envProtocol, c.env)
		kv := map[string]string{}
		if c.key != "" {
			kv["protocol"] = c.key
		}
		cfg, warns, err := Parse(kv, probeNames)
		if err != nil || warns != nil || cfg.Protocol != c.want {
			t.Errorf("%+v: protocol %q (err=%v warns=%v), want %q", c, cfg.Protocol, err, warns, c.want)
		}
	}
}

func TestBadProtocolIsNamedAndLenientFallsBackToGRPC(t *testing.T) {
	clearOTLPEnv(t)
	_, _, err := Parse(map[string]string{"protocol": "http/json", "config.prefix": "spark.x."}, probeNames)
	if err == nil || !strings.Contains(err.Error(), `spark.x.protocol="http/json"`) || !strings.Contains(err.Error(), "grpc or http/protobuf") {
		t.Errorf("bad protocol key: %v", err)
	}
	t.Setenv(envMetricsProtocol, "thrift")
	_, _, err = Parse(nil, probeNames)
	if err == nil || !strings.Contains(err.Error(), envMetricsProtocol+`="thrift"`) || !strings.Contains(err.Error(), "grpc or http/protobuf") {
		t.Errorf("bad protocol env: %v", err)
	}
	for _, kv := range []map[string]string{{"config.lenient": "true"}, {"config.lenient": "true", "protocol": "HTTP"}} {
		cfg, warns, err := Parse(kv, probeNames)
		if err != nil || len(warns) != 1 || cfg.Protocol != GRPC || cfg.MetricsURL != "" {
			t.Errorf("lenient %v: protocol %q url %q warns=%v err=%v; want grpc and one warning", kv, cfg.Protocol, cfg.MetricsURL, warns, err)
		}
	}
}

// TestHTTPEndpointPathRules: /v1/metrics is appended to a base endpoint (the key or
// OTEL_EXPORTER_OTLP_ENDPOINT), never to OTEL_EXPORTER_OTLP_METRICS_ENDPOINT; key beats env,
// the metrics env beats the generic one; a bare host:port is plaintext unless TLS is asked for.
func TestHTTPEndpointPathRules(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kv                    map[string]string
		metricsEnv, env, want string
	}{
		{nil, "", "", "http://localhost:4318/v1/metrics"},
		{map[string]string{"endpoint": "http://c:4318"}, "", "", "http://c:4318/v1/metrics"},
		{map[string]string{"endpoint": "http://c:4318/"}, "", "", "http://c:4318/v1/metrics"},
		{map[string]string{"endpoint": "https://gw.example/otlp/"}, "", "", "https://gw.example/otlp/v1/metrics"},
		{map[string]string{"endpoint": "c:4318"}, "", "", "http://c:4318/v1/metrics"},
		{map[string]string{"endpoint": "c:4318", "certificate": ca}, "", "", "https://c:4318/v1/metrics"},
		{map[string]string{"endpoint": "c:4318", "insecure": "false"}, "", "", "https://c:4318/v1/metrics"},
		{map[string]string{"endpoint": "https://c:4318", "insecure": "true"}, "", "", "http://c:4318/v1/metrics"},
		{nil, "", "http://e:4318/base", "http://e:4318/base/v1/metrics"},
		{nil, "https://m:443/custom/path", "", "https://m:443/custom/path"},
		{nil, "http://m:4318", "", "http://m:4318"},
		{nil, "http://m:4318/mine", "http://e:4318", "http://m:4318/mine"},
		{map[string]string{"endpoint": "http://k:4318"}, "http://m:4318/mine", "http://e:4318", "http://k:4318/v1/metrics"},
	} {
		clearOTLPEnv(t)
		t.Setenv(envMetricsEndpoint, c.metricsEnv)
		t.Setenv(envEndpoint, c.env)
		kv := map[string]string{"protocol": "http/protobuf"}
		for k, v := range c.kv {
			kv[k] = v
		}
		cfg, warns, err := Parse(kv, probeNames)
		if err != nil || warns != nil || cfg.MetricsURL != c.want {
			t.Errorf("%v metrics env %q env %q: %q (err=%v warns=%v), want %q", c.kv, c.metricsEnv, c.env, cfg.MetricsURL, err, warns, c.want)
		}
	}
}

func TestBadHTTPEndpointIsNamedAndLenientUsesTheNextSource(t *testing.T) {
	clearOTLPEnv(t)
	_, _, err := Parse(map[string]string{"protocol": "http/protobuf", "endpoint": "grpc://c:4317"}, probeNames)
	if err == nil || !strings.Contains(err.Error(), `endpoint="grpc://c:4317"`) || !strings.Contains(err.Error(), "http:// or https:// URL") {
		t.Errorf("bad endpoint: %v", err)
	}
	t.Setenv(envEndpoint, "http://e:4318")
	cfg, warns, err := Parse(map[string]string{"protocol": "http/protobuf", "endpoint": "http://", "config.lenient": "true"}, probeNames)
	if err != nil || len(warns) != 1 || cfg.MetricsURL != "http://e:4318/v1/metrics" {
		t.Errorf("lenient: %q warns=%v err=%v; want the env's URL and one warning", cfg.MetricsURL, warns, err)
	}
	if cfg, _, err := Parse(map[string]string{"protocol": "http/protobuf", "exporter": "console", "endpoint": "ftp://x"}, probeNames); err != nil || cfg.MetricsURL != "" {
		t.Errorf("exporter=console has no endpoint to check: url %q err=%v", cfg.MetricsURL, err)
	}
}
