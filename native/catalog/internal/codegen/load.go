// Package codegen reads metrics.yaml, validates it and renders the files generated from it.
package codegen

import (
	"fmt"
	"regexp"
	"slices"

	"gopkg.in/yaml.v3"
)

// Entry is one metric as written in metrics.yaml.
type Entry struct {
	Name        string   `yaml:"name"`
	Source      string   `yaml:"source"`
	Instrument  string   `yaml:"instrument"`
	Value       string   `yaml:"value"`
	Unit        string   `yaml:"unit"`
	Stability   string   `yaml:"stability"`
	Attributes  []string `yaml:"attributes"`
	Description string   `yaml:"description"`
}

var (
	Sources     = []string{"process", "children", "system", "cgroup", "malloc", "self", "jvm", "spark", "tasks"}
	instruments = []string{"gauge", "updowncounter", "counter"}
	values      = []string{"int", "double"}
	stabilities = []string{"stable", "release_candidate", "development"}
	nameRE      = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)
)

// Load parses and validates the catalogue; every error names the entry and the field.
func Load(data []byte) ([]Entry, error) {
	var entries []Entry
	dec := yaml.NewDecoder(bytesReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("metrics.yaml: %w", err)
	}
	seen := map[string]bool{}
	for i, e := range entries {
		where := fmt.Sprintf("metrics.yaml entry %d (%s)", i+1, e.Name)
		switch {
		case !nameRE.MatchString(e.Name):
			return nil, fmt.Errorf("%s: name must be dotted lower-case words", where)
		case seen[e.Name]:
			return nil, fmt.Errorf("%s: declared twice", where)
		case !slices.Contains(Sources, e.Source):
			return nil, fmt.Errorf("%s: source %q; accepted: %v", where, e.Source, Sources)
		case !slices.Contains(instruments, e.Instrument):
			return nil, fmt.Errorf("%s: instrument %q; accepted: %v", where, e.Instrument, instruments)
		case !slices.Contains(values, e.Value):
			return nil, fmt.Errorf("%s: value %q; accepted: %v", where, e.Value, values)
		case !slices.Contains(stabilities, e.Stability):
			return nil, fmt.Errorf("%s: stability %q; accepted: %v", where, e.Stability, stabilities)
		case e.Unit == "" || e.Description == "":
			return nil, fmt.Errorf("%s: unit and description are required", where)
		}
		for _, a := range e.Attributes {
			if !nameRE.MatchString(a) {
				return nil, fmt.Errorf("%s: attribute %q must be dotted lower-case words", where, a)
			}
		}
		seen[e.Name] = true
	}
	return entries, nil
}
