package core

import (
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
	"github.com/sparkotel/sparkotel/native/internal/benchcpu"
)

// BenchmarkEachPushed: a collection's read of one JVM batch of 150 readings, in place.
func BenchmarkEachPushed(b *testing.B) {
	host := &fakeHost{}
	if _, _, err := Start(quiet, host); err != nil {
		b.Fatal(err)
	}
	defer Stop(time.Second)
	entries := make([]any, 0, 300)
	for i := 0; i < 150; i++ {
		id, err := DefineSeries("jvm.class.count")
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, id, float64(i))
	}
	host.put(0, batch(1, entries...))
	b.ReportAllocs()
	benchcpu.Measure(b, func() { Current().EachPushed(func(catalog.ID, attribute.Set, int, float64) {}) })
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/150, "ns/reading")
}
