package export

import (
	"context"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	colmetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	"google.golang.org/grpc"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/config"
	"github.com/sparkotel/sparkotel/native/probe"
)

// receiver is a real OTLP gRPC metrics endpoint on loopback that keeps what it receives.
type receiver struct {
	colmetrics.UnimplementedMetricsServiceServer
	mu    sync.Mutex
	got   []*colmetrics.ExportMetricsServiceRequest
	delay time.Duration
	addr  string
	srv   *grpc.Server
}

func startReceiver(t *testing.T, delay time.Duration) *receiver {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startReceiverOn(t, lis, delay)
}

func startReceiverOn(t *testing.T, lis net.Listener, delay time.Duration) *receiver {
	t.Helper()
	r := &receiver{delay: delay, addr: lis.Addr().String(), srv: grpc.NewServer()}
	colmetrics.RegisterMetricsServiceServer(r.srv, r)
	go func() { _ = r.srv.Serve(lis) }()
	t.Cleanup(r.srv.Stop)
	return r
}

func (r *receiver) Export(ctx context.Context, req *colmetrics.ExportMetricsServiceRequest) (*colmetrics.ExportMetricsServiceResponse, error) {
	if r.delay > 0 {
		select {
		case <-time.After(r.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r.mu.Lock()
	r.got = append(r.got, req)
	r.mu.Unlock()
	return &colmetrics.ExportMetricsServiceResponse{}, nil
}

func (r *receiver) requests() []*colmetrics.ExportMetricsServiceRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*colmetrics.ExportMetricsServiceRequest(nil), r.got...)
}

// allPushed pushes one value for every pushed catalogue metric, with every attribute set.
type allPushed struct{}

func (allPushed) EachPushed(fn func(catalog.ID, attribute.Set, int, float64)) {
	for i, m := range catalog.Metrics {
		if !m.Pushed() {
			continue
		}
		var kv []attribute.KeyValue
		for _, a := range m.Attributes {
			kv = append(kv, attribute.String(a, "v"))
		}
		for part := range 1 + len(m.Buckets) + 1 { // a histogram's sum and buckets; another metric's value
			if part == 0 || m.Instrument == catalog.Histogram {
				fn(catalog.ID(i), attribute.NewSet(kv...), part, 42)
			}
		}
	}
}
func (allPushed) Refused() int64 { return 0 }

func (allPushed) EachForwarded(fn func(string, string, attribute.Set, float64, int64)) {
	fn("spark.block_manager.memory.max_mem_mb", "gauge", attribute.NewSet(), 512, time.Now().UnixNano())
	fn("spark.executor.succeeded_tasks", "counter", attribute.NewSet(), 7, time.Now().UnixNano())
}

type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) log(level, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if level != "DEBUG" {
		l.lines = append(l.lines, level+" "+msg)
	}
}

func (l *logSink) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func testConfig(t *testing.T, kv map[string]string) config.Config {
	t.Helper()
	base := map[string]string{"interval": "100ms", "timeout": "1s", "proc.root": "../probe/testdata/v2/proc", "sys.root": "../probe/testdata/v2/sys",
		"spark.app.id": "app-42", "spark.app.name": "join-test", "spark.executor.id": "3", "host.name": "node-a"}
	for k, v := range kv {
		base[k] = v
	}
	cfg, _, err := config.Parse(base, probe.Names())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Version, cfg.PID = "test", 4242
	return cfg
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestExportsEveryCatalogueMetricOverOTLP(t *testing.T) {
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "k8s.pod.name=exec-3")
	rcv := startReceiver(t, 0)
	var logs logSink
	var settled atomic.Int32
	p, err := Start(testConfig(t, map[string]string{"endpoint": rcv.addr}), allPushed{}, logs.log, func() { settled.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two exports", func() bool { return len(rcv.requests()) > 1 })
	if n := settled.Load(); n != 1 {
		t.Errorf("settled ran %d times over two exports, want once", n)
	}
	if err := p.Shutdown(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	req := rcv.requests()[0]
	rm := req.ResourceMetrics[0]
	res := attrsOf(rm.Resource.Attributes)
	for k, v := range map[string]string{"service.name": "join-test", "spark.application.id": "app-42", "spark.application.name": "join-test",
		"spark.executor.id": "3", "host.name": "node-a", "service.instance.id": "app-42/3", "k8s.pod.name": "exec-3"} {
		if res[k] != v {
			t.Errorf("resource %s = %q, want %q", k, res[k], v)
		}
	}
	if res["process.pid"] == "" {
		t.Error("resource lacks process.pid")
	}
	got := map[string]*metricspb.Metric{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			got[m.Name] = m
		}
	}
	for _, want := range catalog.Metrics {
		m, ok := got[want.Name]
		if !ok {
			t.Errorf("%s: not exported", want.Name)
			continue
		}
		if m.Unit != want.Unit || m.Description != want.Description {
			t.Errorf("%s: unit %q description %q", want.Name, m.Unit, m.Description)
		}
		switch want.Instrument {
		case catalog.Gauge:
			if m.GetGauge() == nil {
				t.Errorf("%s: wrong data kind %T", want.Name, m.Data)
			}
		case catalog.Histogram:
			// allPushed gives the sum and every bucket 42.
			if h := m.GetHistogram(); h == nil || len(h.DataPoints) == 0 || h.DataPoints[0].GetSum() != 42 ||
				h.DataPoints[0].Count != uint64(42*(len(want.Buckets)+1)) || !slices.Equal(h.DataPoints[0].ExplicitBounds, want.Buckets) {
				t.Errorf("%s: histogram %v", want.Name, m.Data)
			}
		default:
			if m.GetSum() == nil {
				t.Errorf("%s: wrong data kind %T", want.Name, m.Data)
			}
		}
		if want.Instrument == catalog.Counter && !m.GetSum().IsMonotonic {
			t.Errorf("%s: counter must be monotonic", want.Name)
		}
		for _, dp := range points(m) {
			keys := map[string]bool{}
			for _, kv := range dp {
				keys[kv.Key] = true
			}
			for _, a := range want.Attributes {
				if !keys[a] {
					t.Errorf("%s: point lacks attribute %s", want.Name, a)
				}
			}
		}
	}
	if len(logs.all()) != 0 {
		t.Errorf("unexpected log lines: %v", logs.all())
	}
	if g := got["spark.block_manager.memory.max_mem_mb"]; g == nil || g.GetGauge().DataPoints[0].GetAsDouble() != 512 {
		t.Errorf("forwarded gauge = %v", g)
	}
	if c := got["spark.executor.succeeded_tasks"]; c == nil || !c.GetSum().IsMonotonic || c.GetSum().DataPoints[0].GetAsDouble() != 7 {
		t.Errorf("forwarded counter = %v", c)
	}
}

func attrsOf(kvs []*commonpb.KeyValue) map[string]string {
	out := map[string]string{}
	for _, kv := range kvs {
		v := kv.Value.GetStringValue()
		if v == "" && kv.Value.GetIntValue() != 0 {
			v = "int"
		}
		out[kv.Key] = v
	}
	return out
}

func points(m *metricspb.Metric) [][]*commonpb.KeyValue {
	var out [][]*commonpb.KeyValue
	if g := m.GetGauge(); g != nil {
		for _, dp := range g.DataPoints {
			out = append(out, dp.Attributes)
		}
	}
	if s := m.GetSum(); s != nil {
		for _, dp := range s.DataPoints {
			out = append(out, dp.Attributes)
		}
	}
	if h := m.GetHistogram(); h != nil {
		for _, dp := range h.DataPoints {
			out = append(out, dp.Attributes)
		}
	}
	return out
}
