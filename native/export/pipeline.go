package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/config"
	"github.com/sparkotel/sparkotel/native/probe"
)

// Pushed is what the core offers of the JVM's readings.
type Pushed interface {
	// EachPushed visits the latest value of every live pushed series. It must not block.
	// part is 0 but for a histogram: 0 its sum, 1+i the count of its bucket i (sparkotel.h).
	EachPushed(fn func(m catalog.ID, attrs attribute.Set, part int, v float64))
	// EachForwarded visits the latest value of every metric forwarded from Spark's registry;
	// kind is gauge, sum (may go down) or counter (monotonic). It must not block.
	EachForwarded(fn func(name, kind string, attrs attribute.Set, v float64, unixNanos int64))
	// Refused counts series definitions refused at the limit.
	Refused() int64
}

// Pipeline is a running export pipeline.
type Pipeline struct {
	provider *sdkmetric.MeterProvider
	flushing atomic.Bool
	exporter *countingExporter
	closer   io.Closer
	snapshot *snapshot
	Target   string
}

// Start builds the pipeline and begins sampling every cfg.Interval on the SDK's goroutine,
// sending every cfg.ExportEvery (see batching).
// It never dials: an unreachable collector shows up later as counted export failures.
// settled (may be nil) runs once on that goroutine when the first export is over, sent or
// not: by then every start-up path (connection set-up included) has run.
func Start(cfg config.Config, pushed Pushed, log Logger, settled func()) (*Pipeline, error) {
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
	p := &Pipeline{exporter: &countingExporter{Exporter: exp, target: target, log: log, settled: settled}, closer: closer, Target: target}
	p.snapshot = newSnapshot(cfg, probes, pushed, p.exporter)
	var exporter sdkmetric.Exporter = p.exporter
	if cfg.ExportEvery > cfg.Interval {
		exporter = newBatching(p.exporter, cfg.Interval, cfg.ExportEvery)
	}
	p.provider = sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exporter,
		sdkmetric.WithInterval(cfg.Interval), sdkmetric.WithTimeout(cfg.Timeout),
		sdkmetric.WithProducer(guarded{p: p.snapshot, log: log, mu: &sync.Mutex{}}),
		sdkmetric.WithProducer(guarded{p: newForwarded(pushed, cfg.Version), log: log, mu: &sync.Mutex{}}))))
	return p, nil
}

// guarded runs a producer of ours on the SDK's reader goroutine, one call at a time, and
// turns a panic into an error: an unrecovered panic there would abort the whole JVM.
type guarded struct {
	p   sdkmetric.Producer
	log Logger
	mu  *sync.Mutex
}

func (g guarded) Produce(ctx context.Context) (sms []metricdata.ScopeMetrics, err error) {
	defer func() {
		if r := recover(); r != nil {
			sms, err = nil, fmt.Errorf("sparkotel producer panicked: %v", r)
			g.log("WARN", "sparkotel: "+err.Error()+"; this interval's metrics are skipped")
		}
	}()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.p.Produce(ctx)
}

// Flush collects and sends now, on a goroutine of its own, so the caller never waits on the
// collector; while one flush is under way another does nothing.
func (p *Pipeline) Flush(timeout time.Duration) {
	if !p.flushing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer p.flushing.Store(false)
		defer func() { _ = recover() }()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_ = p.provider.ForceFlush(ctx)
	}()
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
