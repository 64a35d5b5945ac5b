package deltalake

import (
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func TestDefaultConfigNeedsOnlyAPath(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	if err := confmap.Validate(cfg); err == nil || !strings.Contains(err.Error(), "path") {
		t.Fatalf("no path: %v", err)
	}
	cfg.Path = t.TempDir()
	if err := confmap.Validate(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestBadConfigNamesTheKey(t *testing.T) {
	for key, yaml := range map[string]string{
		"compression":                  "path: /tmp/x\ncompression: lz5",
		"checkpoint_interval":          "path: /tmp/x\ncheckpoint_interval: 0",
		"compaction::min_files":        "path: /tmp/x\ncompaction: {interval: 1h, min_files: 1}",
		"compaction::target_file_size": "path: /tmp/x\ncompaction: {interval: 1h, target_file_size: 10}",
		"table_prefix":                 "path: /tmp/x\ntable_prefix: ''",
	} {
		_, err := loadConfig(t, yaml)
		if err == nil || !strings.Contains(err.Error(), key+":") {
			t.Errorf("%s: error %v does not name the key", key, err)
		}
	}
}

// loadConfig reads yaml as the collector would: the defaults, then the file, then validation.
func loadConfig(t *testing.T, yaml string) (*Config, error) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "c.yaml")
	writeFile(t, f, yaml)
	cm, err := confmaptest.LoadConf(f)
	if err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig().(*Config)
	if err := cm.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	return cfg, confmap.Validate(cfg)
}
