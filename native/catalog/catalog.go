// Package catalog is the declared set of sparkotel metrics. metrics.yaml is the only place a
// metric is defined; catalog_gen.go, the Scala names and docs/metrics.md are generated from it
// (`make generate`), and a test fails when they are stale.
package catalog

//go:generate go run ./gen

// ID indexes Metrics.
type ID int

// Instrument is how a metric is observed; every value is a snapshot taken each interval.
type Instrument int

const (
	Gauge Instrument = iota
	UpDownCounter
	Counter
)

// ValueType is the number type of a metric's points.
type ValueType int

const (
	Int ValueType = iota
	Double
)

// Metric is one catalogue entry.
type Metric struct {
	Name        string
	Unit        string
	Instrument  Instrument
	Value       ValueType
	Source      string
	Stability   string
	Attributes  []string
	Description string
}

// Pushed reports whether the JVM side supplies the metric's values (rather than a Go probe).
func (m Metric) Pushed() bool {
	return m.Source == "jvm" || m.Source == "spark" || m.Source == "tasks"
}

// ByName finds a metric by name.
func ByName(name string) (ID, bool) {
	id, ok := byName[name]
	return id, ok
}

var byName = func() map[string]ID {
	m := make(map[string]ID, len(Metrics))
	for i, e := range Metrics {
		m[e.Name] = ID(i)
	}
	return m
}()
