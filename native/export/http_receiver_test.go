package export

import (
	"compress/gzip"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	colmetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	"google.golang.org/protobuf/proto"
)

// httpReceiver is a real OTLP/HTTP metrics endpoint on loopback: it decodes protobuf POSTs
// (gzip too) and keeps them with the path and headers they came with.
type httpReceiver struct {
	mu      sync.Mutex
	got     []*colmetrics.ExportMetricsServiceRequest
	paths   []string
	headers []http.Header
	delay   time.Duration
	status  int // answered instead of 200 when set
	srv     *httptest.Server
	stop    chan struct{}
}

func startHTTPReceiver(t *testing.T, delay time.Duration, useTLS bool) *httpReceiver {
	t.Helper()
	r := &httpReceiver{delay: delay, stop: make(chan struct{})}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are what some tests want
	if useTLS {
		r.srv.StartTLS()
	} else {
		r.srv.Start()
	}
	t.Cleanup(r.srv.Close)
	t.Cleanup(func() { close(r.stop) }) // runs first: releases handlers still delaying
	return r
}

func (r *httpReceiver) serve(w http.ResponseWriter, req *http.Request) {
	if r.delay > 0 {
		select {
		case <-time.After(r.delay):
		case <-req.Context().Done():
			return
		case <-r.stop:
			return
		}
	}
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	msg := &colmetrics.ExportMetricsServiceRequest{}
	if err == nil {
		err = proto.Unmarshal(raw, msg)
	}
	if err != nil || req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "not an OTLP protobuf POST", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	status := r.status
	if status == 0 {
		r.got = append(r.got, msg)
		r.paths = append(r.paths, req.URL.Path)
		r.headers = append(r.headers, req.Header.Clone())
	}
	r.mu.Unlock()
	if status != 0 {
		http.Error(w, "refused by the test", status)
		return
	}
	out, _ := proto.Marshal(&colmetrics.ExportMetricsServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (r *httpReceiver) requests() []*colmetrics.ExportMetricsServiceRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*colmetrics.ExportMetricsServiceRequest(nil), r.got...)
}

func (r *httpReceiver) last() (path string, h http.Header) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.paths[len(r.paths)-1], r.headers[len(r.headers)-1]
}

// TestHTTPHonoursHeadersCompressionAndBasePath: the endpoint key is a base URL (its own path
// kept, /v1/metrics appended), and headers and gzip reach the collector as HTTP would carry them.
func TestHTTPHonoursHeadersCompressionAndBasePath(t *testing.T) {
	rcv := startHTTPReceiver(t, 0, false)
	var logs logSink
	p, err := Start(testConfig(t, map[string]string{"protocol": "http/protobuf", "endpoint": rcv.srv.URL + "/otlp/",
		"headers": "api-key=s3cret", "compression": "gzip"}), allPushed{}, logs.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an export", func() bool { return len(rcv.requests()) > 0 })
	if err := p.Shutdown(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	path, h := rcv.last()
	if path != "/otlp/v1/metrics" || h.Get("Api-Key") != "s3cret" || h.Get("Content-Encoding") != "gzip" {
		t.Errorf("path %q, api-key %q, encoding %q; want /otlp/v1/metrics, s3cret, gzip", path, h.Get("Api-Key"), h.Get("Content-Encoding"))
	}
	if p.Target != rcv.srv.URL+"/otlp/v1/metrics" || len(logs.all()) != 0 {
		t.Errorf("target %q, logs %v", p.Target, logs.all())
	}
}

// TestHTTPSWithCertificate: certificate is the CA that verifies the collector, over HTTP as
// over gRPC; without it the collector's certificate is refused, once per outage.
func TestHTTPSWithCertificate(t *testing.T) {
	rcv := startHTTPReceiver(t, 0, true)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rcv.srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs logSink
	p, err := Start(testConfig(t, map[string]string{"protocol": "http/protobuf", "endpoint": rcv.srv.URL, "certificate": ca}), allPushed{}, logs.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an export over TLS", func() bool { return len(rcv.requests()) > 0 })
	_ = p.Shutdown(2 * time.Second)
	if len(logs.all()) != 0 {
		t.Errorf("logs with the right CA: %v", logs.all())
	}
	var refused logSink
	p, err = Start(testConfig(t, map[string]string{"protocol": "http/protobuf", "endpoint": rcv.srv.URL, "timeout": "300ms"}), allPushed{}, refused.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two refused exports", func() bool { return p.exporter.failures.Load() >= 2 })
	_ = p.Shutdown(time.Second)
	if w := refused.all(); len(w) != 1 || !strings.Contains(w[0], "certificate") {
		t.Errorf("without the CA: want one WARN about the certificate, got %q", w)
	}
}

// TestHTTPErrorStatusIsAnOutage: a collector that answers with an error status loses the
// points as surely as one that is down: counted, and logged once.
func TestHTTPErrorStatusIsAnOutage(t *testing.T) {
	rcv := startHTTPReceiver(t, 0, false)
	rcv.status = http.StatusBadRequest
	var logs logSink
	p, err := Start(testConfig(t, map[string]string{"protocol": "http/protobuf", "endpoint": rcv.srv.URL}), allPushed{}, logs.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three refused exports", func() bool { return p.exporter.failures.Load() >= 3 })
	_ = p.Shutdown(time.Second)
	if w := logs.all(); len(w) != 1 || !strings.Contains(w[0], "400") || p.exporter.dropped.Load() == 0 {
		t.Errorf("want one WARN naming the status and lost points counted; got %q, %d points", w, p.exporter.dropped.Load())
	}
}
