package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// internalKeys are passed by the JVM side or by tests, not set by users.
var internalKeys = map[string]bool{"config.lenient": true, "config.prefix": true, "proc.root": true, "sys.root": true}

// TestConfigurationDocMatchesTheCode: every key the doc's table lists is accepted, and every
// user-facing key the code accepts is in the table.
func TestConfigurationDocMatchesTheCode(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z.]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for _, k := range acceptedKeys() {
		if !internalKeys[k] && !documented[k] && !strings.HasPrefix(k, "spark.") && k != "host.name" {
			t.Errorf("key %q is accepted but not documented in docs/configuration.md", k)
		}
	}
	for k := range documented {
		if _, _, err := Parse(map[string]string{k: "x"}, nil); err != nil && strings.Contains(err.Error(), "unknown key") {
			t.Errorf("docs/configuration.md documents %q, which the code does not accept", k)
		}
	}
	if len(documented) < 10 {
		t.Fatalf("found only %d documented keys: the table format changed?", len(documented))
	}
}
