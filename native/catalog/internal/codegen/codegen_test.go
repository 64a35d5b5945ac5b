package codegen

import (
	"bytes"
	"os"
	"path/filepath"
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
	base := "- name: a.b\n  source: process\n  instrument: gauge\n  value: int\n  unit: By\n  stability: stable\n  description: d\n"
	cases := map[string]string{
		"unknown field":  base + "  colour: red\n",
		"bad instrument": strings.Replace(base, "gauge", "histogram", 1),
		"bad source":     strings.Replace(base, "process", "gpu", 1),
		"duplicate":      base + base,
		"bad name":       strings.Replace(base, "a.b", "Ab", 1),
		"no description": strings.Replace(base, "  description: d\n", "", 1),
	}
	for name, doc := range cases {
		if _, err := Load([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Load([]byte(base)); err != nil {
		t.Fatalf("valid entry rejected: %v", err)
	}
}

func TestIdent(t *testing.T) {
	for in, want := range map[string]string{
		"jvm.memory.used":                    "JvmMemoryUsed",
		"sparkotel.spark.memory.used":        "SparkMemoryUsed",
		"process.unix.file_descriptor.count": "ProcessUnixFileDescriptorCount",
	} {
		if got := Ident(in); got != want {
			t.Errorf("Ident(%q) = %q, want %q", in, got, want)
		}
	}
}
