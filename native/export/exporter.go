package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/sparkotel/sparkotel/native/config"
)

// defaultEndpoint is where a collector listens when nothing says otherwise: a local agent,
// plaintext, as the collector's default OTLP gRPC receiver (config resolves HTTP's).
const defaultEndpoint = "http://localhost:4317"

// defaultWindow is HTTP/2's default flow-control window, which gRPC also starts with.
const defaultWindow = 65535

// newExporter builds the configured exporter and names its target for log lines.
func newExporter(cfg config.Config) (sdkmetric.Exporter, string, io.Closer, error) {
	switch cfg.Exporter {
	case "console":
		var w io.WriteCloser = nopCloser{os.Stdout}
		target := "stdout"
		if cfg.ConsolePath != "" {
			f, err := os.OpenFile(cfg.ConsolePath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				return nil, "", nil, fmt.Errorf("console.path %q: %w", cfg.ConsolePath, err)
			}
			w, target = f, cfg.ConsolePath
		}
		// json.Encoder without indentation: one JSON document per export, one per line.
		exp, err := stdoutmetric.New(stdoutmetric.WithEncoder(json.NewEncoder(w)),
			stdoutmetric.WithTemporalitySelector(temporality(cfg)))
		return exp, target, w, err
	case "none":
		return discard{temporality(cfg)}, "nowhere", nopCloser{}, nil
	}
	if cfg.Protocol == config.HTTPProtobuf {
		return newHTTPExporter(cfg)
	}
	opts := []otlpmetricgrpc.Option{
		otlpmetricgrpc.WithTimeout(cfg.Timeout),
		// Retries stay inside the export timeout: a dead collector delays our own goroutine,
		// never the JVM, and the next interval starts from fresh data.
		otlpmetricgrpc.WithRetry(otlpmetricgrpc.RetryConfig{Enabled: true, InitialInterval: 200 * time.Millisecond,
			MaxInterval: 2 * time.Second, MaxElapsedTime: cfg.Timeout}),
	}
	// A fixed receive window (the default size) turns off gRPC's bandwidth estimation, which
	// pings the collector after each response to size a window for large ones; ours are a few
	// bytes. One round trip, and a wake-up of our threads, less per export.
	opts = append(opts, otlpmetricgrpc.WithDialOption(grpc.WithInitialWindowSize(defaultWindow)))
	target := cfg.Endpoint
	if target == "" {
		target = os.Getenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
	}
	if target == "" {
		target = os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	if target == "" {
		target = defaultEndpoint
	}
	if cfg.Endpoint != "" || os.Getenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")+os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" {
		if hasScheme(target) {
			opts = append(opts, otlpmetricgrpc.WithEndpointURL(target))
		} else {
			opts = append(opts, otlpmetricgrpc.WithEndpoint(target))
			if cfg.Insecure == nil && cfg.Certificate == "" {
				opts = append(opts, otlpmetricgrpc.WithInsecure()) // host:port alone: plaintext, like the collector's default
			}
		}
	}
	if cfg.Insecure != nil && *cfg.Insecure {
		opts = append(opts, otlpmetricgrpc.WithInsecure())
	}
	if cfg.Certificate != "" {
		creds, err := credentials.NewClientTLSFromFile(cfg.Certificate, "")
		if err != nil {
			return nil, "", nil, fmt.Errorf("certificate %q: %w", cfg.Certificate, err)
		}
		opts = append(opts, otlpmetricgrpc.WithTLSCredentials(creds))
	}
	if cfg.Headers != nil {
		opts = append(opts, otlpmetricgrpc.WithHeaders(cfg.Headers))
	}
	if cfg.Compression != "" {
		opts = append(opts, otlpmetricgrpc.WithCompressor(cfg.Compression))
	}
	if cfg.Temporality != "" {
		opts = append(opts, otlpmetricgrpc.WithTemporalitySelector(temporality(cfg)))
	}
	// New does not dial: the connection is made lazily, so a down collector cannot block start.
	exp, err := otlpmetricgrpc.New(context.Background(), opts...)
	return exp, target, nopCloser{}, err
}

func hasScheme(s string) bool {
	for _, p := range []string{"http://", "https://", "grpc://", "grpcs://"} {
		if len(s) > len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

func temporality(cfg config.Config) sdkmetric.TemporalitySelector {
	if cfg.Temporality == "delta" {
		return func(k sdkmetric.InstrumentKind) metricdata.Temporality {
			switch k {
			case sdkmetric.InstrumentKindCounter, sdkmetric.InstrumentKindObservableCounter, sdkmetric.InstrumentKindHistogram:
				return metricdata.DeltaTemporality
			}
			return metricdata.CumulativeTemporality
		}
	}
	return sdkmetric.DefaultTemporalitySelector
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// discard is exporter=none: probes still run (the self metrics stay meaningful) but nothing
// leaves the process.
type discard struct{ sel sdkmetric.TemporalitySelector }

func (d discard) Temporality(k sdkmetric.InstrumentKind) metricdata.Temporality { return d.sel(k) }
func (discard) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}
func (discard) Export(context.Context, *metricdata.ResourceMetrics) error { return nil }
func (discard) ForceFlush(context.Context) error                          { return nil }
func (discard) Shutdown(context.Context) error                            { return nil }
