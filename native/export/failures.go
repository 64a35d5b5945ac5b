package export

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Logger receives the core's log lines; the JVM side drains and logs them through Spark's
// logging, so they land where the user's other log lines do.
type Logger func(level, msg string)

// countingExporter counts failed exports and the points they lost, and logs the first
// failure of a run of failures and the recovery after it: one line per outage, not per try.
type countingExporter struct {
	sdkmetric.Exporter
	target   string
	log      Logger
	failures atomic.Int64
	dropped  atomic.Int64
	failing  atomic.Bool
	settled  func() // run once, after the first export whatever its outcome; may be nil
	once     sync.Once
}

func (e *countingExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) (err error) {
	defer func() { // on the SDK's goroutine: a panic must not reach the JVM
		if r := recover(); r != nil {
			err = fmt.Errorf("exporter panicked: %v", r)
		}
	}()
	if e.settled != nil {
		defer e.once.Do(e.settled)
	}
	if err := ctx.Err(); errors.Is(err, context.Canceled) {
		// Our own shutdown came before the send began: not an outage, and nothing left the
		// process, so the caller may keep the points for the final export. (A deadline already
		// past is not ours to excuse: that send fails below and is counted.)
		return fmt.Errorf("%w: %w", errNotSent, err)
	}
	sendCtx, cancel := uncancelled(ctx)
	defer cancel()
	err = e.Exporter.Export(sendCtx, rm)
	if err != nil {
		e.failures.Add(1)
		e.dropped.Add(int64(countPoints(rm)))
		if !e.failing.Swap(true) {
			e.log("WARN", fmt.Sprintf("sparkotel: cannot export metrics to %s: %v. The Spark job is unaffected;"+
				" sparkotel keeps trying at every export and counts lost exports in sparkotel.export.failures", e.target, err))
		}
		return err
	}
	if e.failing.Swap(false) {
		e.log("INFO", fmt.Sprintf("sparkotel: exporting to %s again (%d exports failed so far)", e.target, e.failures.Load()))
	}
	return nil
}

// errNotSent marks an export that did not begin: its points never left the process.
var errNotSent = errors.New("export not sent")

// uncancelled is ctx without its cancellation but with its deadline. Once a send has begun,
// our shutdown lets it finish (its deadline, the export timeout, still bounds it) rather than
// cancel it: a cancelled send may already have reached the collector, and neither counting
// its points as lost nor sending them again with the final export would be true.
func uncancelled(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(context.WithoutCancel(ctx), d)
	}
	return context.WithoutCancel(ctx), func() {}
}

func countPoints(rm *metricdata.ResourceMetrics) int {
	n := 0
	for _, sm := range rm.ScopeMetrics {
		n += scopePoints(sm)
	}
	return n
}

func scopePoints(sm metricdata.ScopeMetrics) int {
	n := 0
	for _, m := range sm.Metrics {
		n += metricPoints(m.Data)
	}
	return n
}

// metricPoints is the number of points data holds.
func metricPoints(data metricdata.Aggregation) int {
	switch d := data.(type) {
	case metricdata.Gauge[int64]:
		return len(d.DataPoints)
	case metricdata.Gauge[float64]:
		return len(d.DataPoints)
	case metricdata.Sum[int64]:
		return len(d.DataPoints)
	case metricdata.Sum[float64]:
		return len(d.DataPoints)
	case metricdata.Histogram[float64]:
		return len(d.DataPoints)
	}
	return 0
}
