package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/sparkotel/sparkotel/native/catalog"
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
	probes   *probe.Set
	pushed   Pushed
	insts    [len(catalog.Metrics)]metric.Observable
	rec      probe.Recorder
	Target   string
}

// Start builds the pipeline and begins sampling every cfg.Interval on the SDK's goroutine.
// It never dials: an unreachable collector shows up later as counted export failures.
// extra readers (tests: a ManualReader) see the same data.
func Start(cfg Config, pushed Pushed, log Logger, extra ...sdkmetric.Reader) (*Pipeline, error) {
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
	p := &Pipeline{exporter: &countingExporter{Exporter: exp, target: target, log: log},
		closer: closer, probes: probes, pushed: pushed, Target: target}
	opts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithReader(sdkmetric.NewPeriodicReader(p.exporter,
		sdkmetric.WithInterval(cfg.Interval), sdkmetric.WithTimeout(cfg.Timeout),
		sdkmetric.WithProducer(newForwarded(pushed, cfg.Version))))}
	for _, r := range extra {
		opts = append(opts, sdkmetric.WithReader(r))
	}
	p.provider = sdkmetric.NewMeterProvider(opts...)
	if err := p.register(p.provider.Meter("github.com/sparkotel/sparkotel", metric.WithInstrumentationVersion(cfg.Version))); err != nil {
		_ = p.provider.Shutdown(context.Background())
		return nil, err
	}
	return p, nil
}

// register creates one observable instrument per catalogue entry and one callback for all.
func (p *Pipeline) register(m metric.Meter) error {
	all := make([]metric.Observable, 0, len(catalog.Metrics))
	for i, e := range catalog.Metrics {
		inst, err := newInstrument(m, e)
		if err != nil {
			return fmt.Errorf("instrument %s: %w", e.Name, err)
		}
		p.insts[i] = inst
		all = append(all, inst)
	}
	_, err := m.RegisterCallback(p.observe, all...)
	return err
}

func newInstrument(m metric.Meter, e catalog.Metric) (metric.Observable, error) {
	u, d := metric.WithUnit(e.Unit), metric.WithDescription(e.Description)
	switch {
	case e.Instrument == catalog.Gauge && e.Value == catalog.Int:
		return m.Int64ObservableGauge(e.Name, u, d)
	case e.Instrument == catalog.Gauge:
		return m.Float64ObservableGauge(e.Name, u, d)
	case e.Instrument == catalog.UpDownCounter && e.Value == catalog.Int:
		return m.Int64ObservableUpDownCounter(e.Name, u, d)
	case e.Instrument == catalog.UpDownCounter:
		return m.Float64ObservableUpDownCounter(e.Name, u, d)
	case e.Value == catalog.Int:
		return m.Int64ObservableCounter(e.Name, u, d)
	default:
		return m.Float64ObservableCounter(e.Name, u, d)
	}
}

// observe is the one callback: it runs the probes, then reads the JVM's latest batches.
func (p *Pipeline) observe(_ context.Context, o metric.Observer) error {
	p.rec.Reset()
	p.probes.Collect(&p.rec)
	for _, pt := range p.rec.Points {
		p.emit(o, pt.Metric, pt.Attrs, pt.Int, pt.Float)
	}
	p.pushed.EachPushed(func(m catalog.ID, attrs attribute.Set, v float64) {
		p.emit(o, m, attrs, int64(v), v)
	})
	p.emit(o, catalog.ExportFailures, attribute.Set{}, p.exporter.failures.Load(), 0)
	p.emit(o, catalog.ExportDroppedPoints, attribute.Set{}, p.exporter.dropped.Load(), 0)
	p.emit(o, catalog.SeriesRefused, attribute.Set{}, p.pushed.Refused(), 0)
	return nil
}

func (p *Pipeline) emit(o metric.Observer, m catalog.ID, attrs attribute.Set, i int64, f float64) {
	opt := metric.WithAttributeSet(attrs)
	switch inst := p.insts[m].(type) {
	case metric.Int64Observable:
		o.ObserveInt64(inst, i, opt)
	case metric.Float64Observable:
		o.ObserveFloat64(inst, f, opt)
	}
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

// Reader is an extra metric reader (tests).
type Reader = sdkmetric.Reader
