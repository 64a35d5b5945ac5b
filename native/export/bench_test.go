package export

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sparkotel/sparkotel/native/config"
	"github.com/sparkotel/sparkotel/native/internal/benchcpu"
	"github.com/sparkotel/sparkotel/native/probe"
)

// BenchmarkCycle is one full sample as the exporter sees it: every probe but malloc on the
// real /proc and the JVM's pushed readings, produced as OTLP data points (the encoding and
// send happen after, on the same goroutine, and are not included).
func BenchmarkCycle(b *testing.B) {
	var names []string
	for _, n := range probe.Names() {
		if n != "malloc" {
			names = append(names, n)
		}
	}
	cfg, _, _ := config.Parse(map[string]string{"exporter": "none", "interval": "1h"}, probe.Names())
	cfg.Probes = names
	p, err := Start(cfg, allPushed{}, func(string, string) {}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Shutdown(1e9)
	var sms []metricdata.ScopeMetrics
	b.ReportAllocs()
	benchcpu.Measure(b, func() { sms, _ = p.snapshot.Produce(context.Background()) })
	b.ReportMetric(float64(countPoints(&metricdata.ResourceMetrics{ScopeMetrics: sms})), "series")
}
