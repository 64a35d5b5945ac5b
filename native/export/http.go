package export

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/sparkotel/sparkotel/native/config"
)

// newHTTPExporter is protocol=http/protobuf: the SDK's own OTLP/HTTP exporter posting to the
// URL config resolved (the spec's path rules live there, with the other key parsing).
func newHTTPExporter(cfg config.Config) (sdkmetric.Exporter, string, io.Closer, error) {
	u, err := url.Parse(cfg.MetricsURL)
	if err != nil {
		return nil, "", nil, fmt.Errorf("endpoint %q: %w", cfg.MetricsURL, err)
	}
	opts := []otlpmetrichttp.Option{
		otlpmetrichttp.WithEndpointURL(cfg.MetricsURL),
		otlpmetrichttp.WithTimeout(cfg.Timeout),
		// As for gRPC: retries stay inside the export timeout, so a dead collector delays our
		// own goroutine only, and the next export starts from fresh data.
		otlpmetrichttp.WithRetry(otlpmetrichttp.RetryConfig{Enabled: true, InitialInterval: 200 * time.Millisecond,
			MaxInterval: 2 * time.Second, MaxElapsedTime: cfg.Timeout}),
	}
	switch {
	case u.Scheme != "https":
		// Plaintext has no use for a CA, and the SDK refuses to start with one (say from
		// OTEL_EXPORTER_OTLP_CERTIFICATE): drop it rather than lose the metrics.
		opts = append(opts, otlpmetrichttp.WithTLSClientConfig(nil))
	case cfg.Certificate != "":
		tlsCfg, err := caConfig(cfg.Certificate)
		if err != nil {
			return nil, "", nil, err
		}
		opts = append(opts, otlpmetrichttp.WithTLSClientConfig(tlsCfg))
	}
	if cfg.Headers != nil {
		opts = append(opts, otlpmetrichttp.WithHeaders(cfg.Headers))
	}
	switch cfg.Compression {
	case "gzip":
		opts = append(opts, otlpmetrichttp.WithCompression(otlpmetrichttp.GzipCompression))
	case "none":
		opts = append(opts, otlpmetrichttp.WithCompression(otlpmetrichttp.NoCompression))
	}
	if cfg.Temporality != "" {
		opts = append(opts, otlpmetrichttp.WithTemporalitySelector(temporality(cfg)))
	}
	// New makes no request: a down collector shows up at the first export, never at start.
	exp, err := otlpmetrichttp.New(context.Background(), opts...)
	return exp, cfg.MetricsURL, nopCloser{}, err
}

// caConfig trusts the PEM CA file path for the collector's certificate, as certificate does
// for gRPC (credentials.NewClientTLSFromFile).
func caConfig(path string) (*tls.Config, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("certificate %q: %w", path, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("certificate %q: no PEM certificate in the file", path)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
