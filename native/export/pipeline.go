package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/sparkotel/sparkotel/native/probe"
)

// Pushed is what the core offers of the JVM's readings.
type Pushed interface {
	// EachPushed visits the latest value of every live pushed series. It must not block.
	EachPushed(fn func(m catalog.ID, attrs attribute.Set, v float64))
	// EachForwarded visits the latest value of every metric forwarded from Spark's registry;
	// kind is gauge, sum (may go down) or counter (monotonic). It must not block.
	EachForwarded(fn func(name, kind string, attrs attribute.Set, v float64, unixNanos int64))
	// Refused counts series definitions refused at the limit.
	Refused() int64
}

// Pipeline is a running export pipeline.
type Pipeline struct {
	provider *sdkmetric.MeterProvider
	exporter *countingExporter
	closer   io.Closer
	snapshot *snapshot
	Target   string
}

// Start builds the pipeline and begins sampling every cfg.Interval on the SDK's goroutine.
// It never dials: an unreachable collector shows up later as counted export failures.
func Start(cfg Config, pushed Pushed, log Logger) (*Pipeline, error) {
	probes, err := probe.NewSet(probe.Env{ProcRoot: cfg.ProcRoot, SysRoot: cfg.SysRoot, PID: cfg.PID}, cfg.Probes)
	if err != nil {
		return nil, err
	}
	exp, target, closer, err := newExporter(cfg)
	if err != nil {
		return nil, err
	}
	res, err := newResource(cfg)
	if err != nil && res == nil { // a partial resource (bad OTEL_RESOURCE_ATTRIBUTES) is still usable
		return nil, err
	}
	otel.SetErrorHandler(sdkErrors{log})
	p := &Pipeline{exporter: &countingExporter{Exporter: exp, target: target, log: log}, closer: closer, Target: target}
	p.snapshot = newSnapshot(cfg, probes, pushed, p.exporter)
	p.provider = sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(sdkmetric.NewPeriodicReader(p.exporter,
		sdkmetric.WithInterval(cfg.Interval), sdkmetric.WithTimeout(cfg.Timeout),
		sdkmetric.WithProducer(p.snapshot), sdkmetric.WithProducer(newForwarded(pushed, cfg.Version)))))
	return p, nil
}

// Shutdown flushes a final export and stops, within timeout whatever the collector does.
// When the collector is already known to be unreachable the final export gets a short
// grace period and its failure is not reported again: the outage had its one log line.
func (p *Pipeline) Shutdown(timeout time.Duration) error {
	failing := p.exporter.failing.Load()
	if failing && timeout > shutdownGraceWhenDown {
		timeout = shutdownGraceWhenDown
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() { _ = recover() }()
		done <- p.provider.Shutdown(ctx)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = p.closer.Close()
	if failing || p.exporter.failing.Load() {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("final export did not finish within %v", timeout)
	}
	return err
}

const shutdownGraceWhenDown = 250 * time.Millisecond

// sdkErrors routes the SDK's internal errors (which would otherwise print to stderr on
// every retry) to our logger; export failures are already reported once per outage.
type sdkErrors struct{ log Logger }

func (h sdkErrors) Handle(err error) { h.log("DEBUG", "sparkotel: OpenTelemetry SDK: "+err.Error()) }
