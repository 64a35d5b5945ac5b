// Package codegen reads metrics.yaml, validates it and renders the files generated from it.
package codegen

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"

	"gopkg.in/yaml.v3"
)

// Catalogue is metrics.yaml, checked: attributes sorted by key, metrics by source in Sources
// order and then as declared.
type Catalogue struct {
	Attributes []Attribute
	Metrics    []Entry
}

// Attribute is one declared attribute key; Enum is nil when its values are open.
type Attribute struct {
	Key         string   `yaml:"-"`
	Description string   `yaml:"description"`
	Enum        []string `yaml:"enum"`
}

// Entry is one metric as written in metrics.yaml; Source is the group it is declared under.
type Entry struct {
	Name        string    `yaml:"name"`
	Source      string    `yaml:"-"`
	Instrument  string    `yaml:"instrument"`
	Value       string    `yaml:"value"`
	Unit        string    `yaml:"unit"`
	Stability   string    `yaml:"stability"`
	Attributes  []string  `yaml:"attributes"`
	Buckets     []float64 `yaml:"buckets"`
	Description string    `yaml:"description"`
}

// Pushed reports whether the JVM side supplies the metric's values (rather than a Go probe).
func (e Entry) Pushed() bool {
	return e.Source == "jvm" || e.Source == "spark" || e.Source == "tasks" || e.Source == "diagnosis"
}

var (
	Sources     = []string{"process", "children", "system", "cgroup", "malloc", "self", "jvm", "spark", "tasks", "diagnosis"}
	instruments = []string{"gauge", "updowncounter", "counter", "histogram"}
	values      = []string{"int", "double"}
	stabilities = []string{"stable", "release_candidate", "development"}
	nameRE      = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)
	enumValueRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`) // each becomes an identifier
)

// Load parses and validates the catalogue; every error names the entry and the field.
func Load(data []byte) (Catalogue, error) {
	var doc struct {
		Attributes map[string]Attribute `yaml:"attributes"`
		Metrics    map[string][]Entry   `yaml:"metrics"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return Catalogue{}, fmt.Errorf("metrics.yaml: %w", err)
	}
	var c Catalogue
	for key, a := range doc.Attributes {
		a.Key = key
		if err := checkAttribute(a); err != nil {
			return Catalogue{}, err
		}
		c.Attributes = append(c.Attributes, a)
	}
	sort.Slice(c.Attributes, func(i, j int) bool { return c.Attributes[i].Key < c.Attributes[j].Key })
	for src := range doc.Metrics {
		if !slices.Contains(Sources, src) {
			return Catalogue{}, fmt.Errorf("metrics.yaml: metrics source %q; accepted: %v", src, Sources)
		}
	}
	seen := map[string]bool{}
	used := map[string]bool{}
	for _, src := range Sources {
		for _, e := range doc.Metrics[src] {
			e.Source = src
			where := fmt.Sprintf("metrics.yaml metric %d of %s (%s)", len(c.Metrics)+1, src, e.Name)
			if seen[e.Name] {
				return Catalogue{}, fmt.Errorf("%s: declared twice", where)
			}
			if err := c.checkEntry(e); err != nil {
				return Catalogue{}, fmt.Errorf("%s: %w", where, err)
			}
			seen[e.Name] = true
			for _, a := range e.Attributes {
				used[a] = true
			}
			c.Metrics = append(c.Metrics, e)
		}
	}
	for _, a := range c.Attributes {
		if !used[a.Key] {
			return Catalogue{}, fmt.Errorf("metrics.yaml attribute %s: declared but no metric takes it", a.Key)
		}
	}
	return c, checkIdents(c)
}

func checkAttribute(a Attribute) error {
	where := "metrics.yaml attribute " + a.Key
	switch {
	case !nameRE.MatchString(a.Key):
		return fmt.Errorf("%s: key must be dotted lower-case words", where)
	case a.Description == "":
		return fmt.Errorf("%s: description is required", where)
	case a.Enum != nil && len(a.Enum) == 0:
		return fmt.Errorf("%s: enum is empty; leave it out for an open set of values", where)
	}
	for i, v := range a.Enum {
		if !enumValueRE.MatchString(v) {
			return fmt.Errorf("%s: enum value %q must be a letter then letters, digits or _", where, v)
		}
		if slices.Contains(a.Enum[:i], v) {
			return fmt.Errorf("%s: enum value %q listed twice", where, v)
		}
	}
	return nil
}

func (c Catalogue) checkEntry(e Entry) error {
	switch {
	case !nameRE.MatchString(e.Name):
		return fmt.Errorf("name must be dotted lower-case words")
	case !slices.Contains(instruments, e.Instrument):
		return fmt.Errorf("instrument %q; accepted: %v", e.Instrument, instruments)
	case !slices.Contains(values, e.Value):
		return fmt.Errorf("value %q; accepted: %v", e.Value, values)
	case !slices.Contains(stabilities, e.Stability):
		return fmt.Errorf("stability %q; accepted: %v", e.Stability, stabilities)
	case e.Unit == "" || e.Description == "":
		return fmt.Errorf("unit and description are required")
	case !e.Pushed() && len(e.Attributes) > 1:
		return fmt.Errorf("a probe's metric takes at most one attribute (its sets are built once, one per value)")
	case (e.Instrument == "histogram") != (len(e.Buckets) > 0):
		return fmt.Errorf("buckets are required for a histogram, and only for one")
	case e.Instrument == "histogram" && (!e.Pushed() || e.Value != "double"):
		return fmt.Errorf("a histogram is pushed by the JVM side, with value double")
	}
	for i := 1; i < len(e.Buckets); i++ {
		if e.Buckets[i] <= e.Buckets[i-1] {
			return fmt.Errorf("buckets must increase: %v", e.Buckets)
		}
	}
	for i, key := range e.Attributes {
		a, ok := c.Attribute(key)
		switch {
		case !ok:
			return fmt.Errorf("attribute %q is not declared under attributes", key)
		case slices.Contains(e.Attributes[:i], key):
			return fmt.Errorf("attribute %q listed twice", key)
		case !e.Pushed() && a.Enum == nil:
			return fmt.Errorf("attribute %q has open values; a probe records only enum attributes, through their generated types", key)
		}
	}
	return nil
}

// Attribute finds a declared attribute by key.
func (c Catalogue) Attribute(key string) (Attribute, bool) {
	i := slices.IndexFunc(c.Attributes, func(a Attribute) bool { return a.Key == key })
	if i < 0 {
		return Attribute{}, false
	}
	return c.Attributes[i], true
}

// checkIdents fails when two generated Go or Scala names would be the same.
func checkIdents(c Catalogue) error {
	owner := map[string]string{}
	for _, name := range reservedIdents {
		owner[name] = "catalog.go"
	}
	claim := func(ident, what string) error {
		if prev, ok := owner[ident]; ok {
			return fmt.Errorf("metrics.yaml: %s and %s would both be named %s in generated code", prev, what, ident)
		}
		owner[ident] = what
		return nil
	}
	for _, e := range c.Metrics {
		if err := claim(Ident(e.Name), "metric "+e.Name); err != nil {
			return err
		}
	}
	for _, a := range c.Attributes {
		if a.Enum == nil {
			continue
		}
		if err := claim(Ident(a.Key), "attribute "+a.Key); err != nil {
			return err
		}
		for _, v := range a.Enum {
			if err := claim(Ident(a.Key)+Ident(v), "value "+a.Key+"="+v); err != nil {
				return err
			}
		}
	}
	return nil
}

// reservedIdents are declared by hand in package catalog (Metric also in the Scala Catalog).
var reservedIdents = []string{"ID", "Instrument", "Gauge", "UpDownCounter", "Counter", "Histogram", "ValueType", "Int", "Double",
	"Metric", "Metrics", "ByName", "Attribute", "Attributes", "AttributeByKey"}
