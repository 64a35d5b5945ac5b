package core

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
)

// MaxSeries bounds how many series the JVM may define at once: memory stays bounded however
// many Dropwizard metrics or stages a job has; definitions beyond it are refused and counted.
const MaxSeries = 16384

// Series is one metric stream the JVM pushes values for: a catalogue metric plus
// attributes, or a forwarded Spark metric (Forwarded != "").
type Series struct {
	Name      string
	Attrs     [][2]string // in the order given; the spec string is the identity
	Metric    catalog.ID
	Set       attribute.Set // built once here, so exporting does not allocate it per interval
	Forwarded string        // "" for catalogue metrics; else gauge | sum | counter
	refs      int
}

// ForwardedPrefix starts the name of every metric the sink forwards from Spark's registry.
// They are declared as one family in the catalogue's docs, not one by one: their names come
// from whatever sources a Spark job registers.
const ForwardedPrefix = "spark."

// ForwardedKinds are the values of a forwarded series' leading @kind attribute.
var ForwardedKinds = []string{"gauge", "sum", "counter"}

// seriesTable maps spec strings to small integer ids that the JVM writes into batches.
type seriesTable struct {
	mu      sync.RWMutex
	byID    []*Series
	bySpec  map[string]int32
	free    []int32
	refused atomic.Int64
}

func newSeriesTable() *seriesTable { return &seriesTable{bySpec: map[string]int32{}} }

// ParseSpec decodes "name\tkey=value\tkey=value". Names and keys must be non-empty.
func ParseSpec(spec string) (Series, error) {
	fields := strings.Split(spec, "\t")
	s := Series{Name: fields[0]}
	if s.Name == "" {
		return s, fmt.Errorf("%w: series spec %q has no metric name", ErrArg, spec)
	}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return s, fmt.Errorf("%w: series spec %q: attribute %q is not key=value", ErrArg, spec, f)
		}
		s.Attrs = append(s.Attrs, [2]string{k, v})
	}
	return s, nil
}

// define returns the id for spec, creating it on first use; a spec defined twice shares an id
// and needs two releases.
func (t *seriesTable) define(spec string) (int32, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.bySpec[spec]; ok {
		t.byID[id].refs++
		return id, nil
	}
	s, err := ParseSpec(spec)
	if err != nil {
		return -1, err
	}
	if err := s.resolve(); err != nil {
		return -1, err
	}
	if len(t.bySpec) >= MaxSeries {
		t.refused.Add(1)
		return -1, fmt.Errorf("%w: %d series defined; %q dropped", ErrFull, MaxSeries, s.Name)
	}
	s.refs = 1
	var id int32
	if n := len(t.free); n > 0 {
		id, t.free = t.free[n-1], t.free[:n-1]
		t.byID[id] = &s
	} else {
		id = int32(len(t.byID))
		t.byID = append(t.byID, &s)
	}
	t.bySpec[spec] = id
	return id, nil
}

// resolve checks the series against the catalogue: a metric the JVM pushes, with exactly
// its declared attribute keys, in order, and a declared value for each enum attribute.
func (s *Series) resolve() error {
	if strings.HasPrefix(s.Name, ForwardedPrefix) {
		return s.resolveForwarded()
	}
	id, ok := catalog.ByName(s.Name)
	if !ok || !catalog.Metrics[id].Pushed() {
		return fmt.Errorf("%w: %q is not a catalogue metric the JVM pushes", ErrArg, s.Name)
	}
	want := catalog.Metrics[id].Attributes
	kvs := make([]attribute.KeyValue, len(s.Attrs))
	for i, a := range s.Attrs {
		if i >= len(want) || a[0] != want[i] {
			break
		}
		kvs[i] = attribute.String(a[0], a[1])
	}
	if len(s.Attrs) != len(want) || (len(want) > 0 && kvs[len(want)-1].Key == "") {
		return fmt.Errorf("%w: %s takes attributes %v, got %v", ErrArg, s.Name, want, s.Attrs)
	}
	for _, a := range s.Attrs {
		if d, _ := catalog.AttributeByKey(a[0]); d.Values != nil && !slices.Contains(d.Values, a[1]) {
			return fmt.Errorf("%w: %s: %s=%q is not a declared value; accepted: %s", ErrArg, s.Name, a[0], a[1], strings.Join(d.Values, ", "))
		}
	}
	s.Metric, s.Set = id, attribute.NewSet(kvs...)
	return nil
}

func (t *seriesTable) release(id int32) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id < 0 || int(id) >= len(t.byID) || t.byID[id] == nil {
		return fmt.Errorf("%w: unknown series id %d", ErrArg, id)
	}
	s := t.byID[id]
	if s.refs--; s.refs > 0 {
		return nil
	}
	for spec, sid := range t.bySpec {
		if sid == id {
			delete(t.bySpec, spec)
			break
		}
	}
	t.byID[id] = nil
	t.free = append(t.free, id)
	return nil
}

// lookup returns the live series for id, or nil once released.
func (t *seriesTable) lookup(id int32) *Series {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if id < 0 || int(id) >= len(t.byID) {
		return nil
	}
	return t.byID[id]
}

// resolveForwarded accepts "spark.name\t@kind=gauge|sum|counter\tkey=value...".
func (s *Series) resolveForwarded() error {
	if len(s.Attrs) == 0 || s.Attrs[0][0] != "@kind" || !slices.Contains(ForwardedKinds, s.Attrs[0][1]) {
		return fmt.Errorf("%w: forwarded metric %s needs a first attribute @kind=%s", ErrArg, s.Name, strings.Join(ForwardedKinds, "|"))
	}
	s.Forwarded = s.Attrs[0][1]
	kvs := make([]attribute.KeyValue, 0, len(s.Attrs)-1)
	for _, a := range s.Attrs[1:] {
		kvs = append(kvs, attribute.String(a[0], a[1]))
	}
	s.Set = attribute.NewSet(kvs...)
	return nil
}
