package codegen

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGeneratedFilesAreCurrent fails when metrics.yaml changed but `make generate` was not run.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..")
	files, err := Render(root)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join(root, path))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale or missing: run `make generate` and commit the result", path)
		}
	}
}

func TestLoadRejectsBadEntries(t *testing.T) {
	attrs := "attributes:\n  a.state: {description: d, enum: [in_use, free]}\n  a.name: {description: d}\n"
	metric := "    - {name: a.b, instrument: gauge, value: int, unit: By, stability: stable, attributes: [a.state], description: d}\n"
	pushed := "  jvm:\n    - {name: a.c, instrument: gauge, value: int, unit: By, stability: stable, attributes: [a.state, a.name], description: d}\n"
	base := attrs + "metrics:\n  process:\n" + metric + pushed
	cases := map[string]string{
		"unknown field":         strings.Replace(base, "unit: By,", "unit: By, colour: red,", 1),
		"bad instrument":        strings.Replace(base, "gauge", "histogram", 1),
		"bad source":            strings.Replace(base, "process:", "gpu:", 1),
		"duplicate metric":      strings.Replace(base, metric, metric+metric, 1),
		"bad name":              strings.Replace(base, "a.b", "Ab", 1),
		"no description":        strings.Replace(base, "[a.state], description: d}", "[a.state]}", 1),
		"undeclared attribute":  strings.Replace(base, "[a.state]", "[a.kind]", 1),
		"attribute twice":       strings.Replace(base, "[a.state, a.name]", "[a.state, a.state]", 1),
		"duplicate attribute":   strings.Replace(base, "  a.name:", "  a.state: {description: d}\n  a.name:", 1),
		"unused attribute":      strings.Replace(base, "  a.name: {description: d}\n", "  a.name: {description: d}\n  a.spare: {description: d}\n", 1),
		"bad enum value":        strings.Replace(base, "in_use,", "in-use,", 1),
		"enum value twice":      strings.Replace(base, "[in_use, free]", "[free, free]", 1),
		"empty enum":            strings.Replace(base, "[in_use, free]", "[]", 1),
		"probe: open attribute": strings.Replace(base, "[a.state]", "[a.name]", 1),
		"probe: two attributes": strings.Replace(base, "[a.state]", "[a.state, a.name]", 1),
		"same identifier":       strings.Replace(base, "a.c,", "a.state.in_use,", 1),
		"histogram, no buckets": strings.Replace(base, "a.c, instrument: gauge, value: int", "a.c, instrument: histogram, value: double", 1),
		"buckets on a gauge":    strings.Replace(base, "a.c, instrument: gauge,", "a.c, instrument: gauge, buckets: [1],", 1),
		"buckets not increasing": strings.Replace(base, "a.c, instrument: gauge, value: int",
			"a.c, instrument: histogram, buckets: [1, 1], value: double", 1),
		"int histogram":   strings.Replace(base, "a.c, instrument: gauge,", "a.c, instrument: histogram, buckets: [1],", 1),
		"probe histogram": strings.Replace(base, "a.b, instrument: gauge, value: int", "a.b, instrument: histogram, buckets: [1], value: double", 1),
	}
	for name, doc := range cases {
		if _, err := Load([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	histogram := strings.Replace(base, "a.c, instrument: gauge, value: int", "a.c, instrument: histogram, buckets: [0.5, 2], value: double", 1)
	if c, err := Load([]byte(histogram)); err != nil || !slices.Equal(c.Metrics[1].Buckets, []float64{0.5, 2}) {
		t.Fatalf("a histogram: %v %+v", err, c.Metrics)
	}
	c, err := Load([]byte(base))
	if err != nil {
		t.Fatalf("valid catalogue rejected: %v", err)
	}
	if len(c.Metrics) != 2 || c.Metrics[0].Source != "process" || c.Attributes[0].Key != "a.name" {
		t.Fatalf("loaded %+v", c)
	}
}

func TestIdent(t *testing.T) {
	for in, want := range map[string]string{
		"jvm.memory.used":                    "JvmMemoryUsed",
		"sparkotel.spark.memory.used":        "SparkMemoryUsed",
		"process.unix.file_descriptor.count": "ProcessUnixFileDescriptorCount",
		"sparkotel.probe":                    "SparkotelProbe", // not a bare word
		"in_use":                             "InUse",
	} {
		if got := Ident(in); got != want {
			t.Errorf("Ident(%q) = %q, want %q", in, got, want)
		}
	}
}
