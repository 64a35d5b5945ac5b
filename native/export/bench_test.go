package export

import (
	"context"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/probe"
)

// BenchmarkCycle is one full sample as the exporter sees it: every probe but malloc on the
// real /proc, the JVM's pushed readings, and the SDK's aggregation into ResourceMetrics
// (the OTLP encoding and send happen after, on the same goroutine, and are not included).
func BenchmarkCycle(b *testing.B) {
	var names []string
	for _, n := range probe.Names() {
		if n != "malloc" {
			names = append(names, n)
		}
	}
	reader := sdkmetric.NewManualReader()
	cfg, _, _ := Parse(map[string]string{"exporter": "none", "interval": "1h"}, probe.Names())
	cfg.Probes = names
	p, err := Start(cfg, allPushed{}, func(string, string) {}, reader)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Shutdown(1e9)
	var rm metricdata.ResourceMetrics
	b.ReportAllocs()
	for b.Loop() {
		_ = reader.Collect(context.Background(), &rm)
	}
	series := 0
	for _, sm := range rm.ScopeMetrics {
		series += countPoints(&metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{sm}})
	}
	b.ReportMetric(float64(series), "series")
}
