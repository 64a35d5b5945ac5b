// Package catalog is the declared set of sparkotel metrics and their attributes. metrics.yaml is
// the only place either is defined; catalog_gen.go, attributes_gen.go, the probes' recorders,
// the Scala Catalog and docs/metrics.md are generated from it (`make generate`), and a test
// fails when they are stale.
package catalog

//go:generate go run ./gen

// ID indexes Metrics.
type ID int

// Instrument is how a metric is observed; every value is a snapshot taken each interval. A
// Histogram's snapshot is its cumulative per-bucket counts and sum, as the JVM side keeps them.
type Instrument int

const (
	Gauge Instrument = iota
	UpDownCounter
	Counter
	Histogram
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
	Buckets     []float64 // a Histogram's explicit bucket boundaries, increasing; nil otherwise
	Description string
}

// Attribute is one declared attribute key.
type Attribute struct {
	Key         string
	Description string
	Values      []string // the closed set of values; nil when any value is accepted
}

// AttributeByKey finds a declared attribute.
func AttributeByKey(key string) (Attribute, bool) {
	i, ok := attributeIndex[key]
	if !ok {
		return Attribute{}, false
	}
	return Attributes[i], true
}

var attributeIndex = func() map[string]int {
	m := make(map[string]int, len(Attributes))
	for i, a := range Attributes {
		m[a.Key] = i
	}
	return m
}()

// Pushed reports whether the JVM side supplies the metric's values (rather than a Go probe).
func (m Metric) Pushed() bool {
	return m.Source == "jvm" || m.Source == "spark" || m.Source == "tasks" || m.Source == "diagnosis"
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
