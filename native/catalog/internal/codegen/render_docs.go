package codegen

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// intro is the prose that opens docs/metrics.md: what every metric shares, and the resource.
//
//go:embed intro.md
var intro string

var sourceTitles = map[string]string{
	"process":   "Process (Go core, /proc/self)",
	"children":  "Descendant processes (Go core, /proc scan)",
	"system":    "Host memory (Go core, /proc/meminfo and PSI)",
	"cgroup":    "Container cgroup (Go core, /sys/fs/cgroup, v2 or v1)",
	"malloc":    "glibc malloc (Go core, mallinfo2 / mallinfo)",
	"self":      "sparkotel itself (Go core)",
	"jvm":       "JVM (pushed from MXBeans)",
	"spark":     "Spark memory manager (pushed from SparkEnv)",
	"tasks":     "Stage and task activity (pushed from the executor plugin)",
	"diagnosis": "Why executors die (pushed: the budget by executors, the verdicts by the driver; docs/diagnosis.md)",
}

// Markdown renders docs/metrics.md, the data dictionary.
func Markdown(c Catalogue) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!-- %s -->\n# sparkotel metrics\n\n", header)
	b.WriteString(strings.Replace(intro, "{{metrics}}", strconv.Itoa(len(c.Metrics)), 1))
	for _, src := range Sources {
		fmt.Fprintf(&b, "\n## %s\n\n| name | instrument | unit | value | attributes | stability | description |\n|---|---|---|---|---|---|---|\n", sourceTitles[src])
		for _, e := range c.Metrics {
			if e.Source != src {
				continue
			}
			at := "—"
			if len(e.Attributes) > 0 {
				at = code(e.Attributes)
			}
			instrument := e.Instrument
			if len(e.Buckets) > 0 {
				instrument += ", buckets " + floats(e.Buckets, "[", "]")
			}
			fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s | %s | %s |\n", e.Name, instrument, e.Unit, e.Value, at, e.Stability, e.Description)
		}
	}
	b.WriteString("\n## Attributes\n\nEvery attribute value is a string. An attribute with listed values takes no other: ")
	b.WriteString("the core refuses a series the JVM side defines with another value.\n\n")
	b.WriteString("| attribute | values | metrics | description |\n|---|---|---|---|\n")
	for _, a := range c.Attributes {
		values := "open"
		if a.Enum != nil {
			values = code(a.Enum)
		}
		var users []string
		for _, e := range c.Metrics {
			for _, k := range e.Attributes {
				if k == a.Key {
					users = append(users, e.Name)
				}
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", a.Key, values, code(users), a.Description)
	}
	return b.Bytes()
}

func code(words []string) string { return "`" + strings.Join(words, "`, `") + "`" }

// floats writes bucket boundaries as Go, Scala and JSON all read them: 1.0, not 1.
func floats(fs []float64, open, close string) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(out[i], ".") {
			out[i] += ".0"
		}
	}
	return open + strings.Join(out, ", ") + close
}

// JSON renders the catalogue for the end-to-end checks (Python reads it without a YAML parser).
func JSON(c Catalogue) []byte {
	type row struct {
		Name       string    `json:"name"`
		Source     string    `json:"source"`
		Instrument string    `json:"instrument"`
		Unit       string    `json:"unit"`
		Attributes []string  `json:"attributes"`
		Buckets    []float64 `json:"buckets,omitempty"`
	}
	rows := make([]row, len(c.Metrics))
	for i, e := range c.Metrics {
		rows[i] = row{e.Name, e.Source, e.Instrument, e.Unit, attrs(e), e.Buckets}
	}
	b, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}
