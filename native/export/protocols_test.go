package export

import (
	"net"
	"strings"
	"testing"
	"time"

	colmetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"

	"github.com/sparkotel/sparkotel/native/catalog"
)

var protocols = []string{"grpc", "http/protobuf"}

// startSink starts an in-process collector speaking proto and returns what it received so
// far, and the keys that point a pipeline at it.
func startSink(t *testing.T, proto string, delay time.Duration) (func() []*colmetrics.ExportMetricsServiceRequest, map[string]string) {
	t.Helper()
	if proto == "grpc" {
		rcv := startReceiver(t, delay)
		return rcv.requests, map[string]string{"endpoint": rcv.addr}
	}
	rcv := startHTTPReceiver(t, delay, false)
	return rcv.requests, map[string]string{"protocol": proto, "endpoint": rcv.srv.URL}
}

func with(kv map[string]string, more ...string) map[string]string {
	for i := 0; i+1 < len(more); i += 2 {
		kv[more[i]] = more[i+1]
	}
	return kv
}

// TestEveryProtocolDeliversTheCatalogue: each protocol carries every catalogue metric and the
// forwarded Spark metrics, under the JVM's resource.
func TestEveryProtocolDeliversTheCatalogue(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			requests, kv := startSink(t, proto, 0)
			var logs logSink
			p, err := Start(testConfig(t, kv), allPushed{}, logs.log, nil)
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "two exports", func() bool { return len(requests()) > 1 })
			if err := p.Shutdown(2 * time.Second); err != nil {
				t.Fatal(err)
			}
			rm := requests()[0].ResourceMetrics[0]
			if id := attrsOf(rm.Resource.Attributes)["service.instance.id"]; id != "app-42/3" {
				t.Errorf("service.instance.id = %q", id)
			}
			got := map[string]bool{}
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					got[m.Name] = true
				}
			}
			for _, want := range catalog.Metrics {
				if !got[want.Name] {
					t.Errorf("%s: not exported", want.Name)
				}
			}
			if !got["spark.executor.succeeded_tasks"] || len(logs.all()) != 0 {
				t.Errorf("forwarded metric missing or log lines: %v", logs.all())
			}
		})
	}
}

// TestCollectorDownOnEveryProtocol: nothing listens; exports fail, are counted with their
// points, and the outage is logged once, naming where we send; shutdown takes its grace only.
func TestCollectorDownOnEveryProtocol(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			lis, _ := net.Listen("tcp", "127.0.0.1:0")
			closed := lis.Addr().String()
			lis.Close()
			kv, target := map[string]string{"endpoint": closed}, closed
			if proto != "grpc" {
				kv["protocol"], target = proto, "http://"+closed+"/v1/metrics"
			}
			var logs logSink
			p, err := Start(testConfig(t, with(kv, "timeout", "300ms")), allPushed{}, logs.log, nil)
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "three failed exports", func() bool { return p.exporter.failures.Load() >= 3 })
			start := time.Now()
			if err := p.Shutdown(5 * time.Second); err != nil {
				t.Errorf("shutdown with the outage already reported must not report again: %v", err)
			}
			if took := time.Since(start); took > 600*time.Millisecond {
				t.Errorf("shutdown took %v with the collector known down", took)
			}
			if p.exporter.dropped.Load() == 0 {
				t.Error("lost points not counted")
			}
			if w := logs.all(); len(w) != 1 || !strings.Contains(w[0], "cannot export metrics to "+target+":") {
				t.Fatalf("want exactly one WARN naming %s, got %q", target, w)
			}
		})
	}
}

// TestTimeoutBoundsEachExportOnEveryProtocol: a collector that accepts and never answers
// costs each export its timeout, counted as a failure, and one WARN for the outage.
func TestTimeoutBoundsEachExportOnEveryProtocol(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			_, kv := startSink(t, proto, time.Hour)
			var logs logSink
			p, err := Start(testConfig(t, with(kv, "timeout", "300ms")), allPushed{}, logs.log, nil)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			waitFor(t, "two timed-out exports", func() bool { return p.exporter.failures.Load() >= 2 })
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("two exports of 300ms timeout took %v", took)
			}
			_ = p.Shutdown(time.Second)
			if w := logs.all(); len(w) != 1 {
				t.Errorf("want one WARN for the outage, got %q", w)
			}
		})
	}
}

// TestShutdownIsBoundedOnEveryProtocol: a hanging collector cannot hold the JVM's shutdown
// beyond the bound it gives, whatever the export timeout.
func TestShutdownIsBoundedOnEveryProtocol(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			_, kv := startSink(t, proto, time.Hour)
			var logs logSink
			p, err := Start(testConfig(t, with(kv, "timeout", "30s", "interval", "1h")), allPushed{}, logs.log, nil)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = p.Shutdown(500 * time.Millisecond)
			if took := time.Since(start); took > 900*time.Millisecond {
				t.Fatalf("shutdown took %v, bound 500ms", took)
			}
			waitFor(t, "the unfinished final export to be reported", func() bool { return err != nil || len(logs.all()) == 1 })
		})
	}
}
