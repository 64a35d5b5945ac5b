package codegen

import (
	"bytes"
	"fmt"
	"go/format"
)

// Go renders catalog_gen.go: the metric ids and the table they index.
func Go(c Catalogue) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// %s\n\npackage catalog\n\n// Metric ids, in catalogue order.\nconst (\n", header)
	for i, e := range c.Metrics {
		if i == 0 {
			fmt.Fprintf(&b, "\t%s ID = iota\n", Ident(e.Name))
		} else {
			fmt.Fprintf(&b, "\t%s\n", Ident(e.Name))
		}
	}
	b.WriteString(")\n\n// Metrics is the catalogue, indexed by ID.\nvar Metrics = [...]Metric{\n")
	for _, e := range c.Metrics {
		buckets := ""
		if len(e.Buckets) > 0 {
			buckets = fmt.Sprintf(" Buckets: %#v,", e.Buckets)
		}
		fmt.Fprintf(&b, "\t%s: {Name: %q, Unit: %q, Instrument: %s, Value: %s, Source: %q, Stability: %q, Attributes: %#v,%s Description: %q},\n",
			Ident(e.Name), e.Name, e.Unit, goInstrument[e.Instrument], goValue[e.Value], e.Source, e.Stability, attrs(e), buckets, e.Description)
	}
	b.WriteString("}\n")
	return gofmt(b.Bytes())
}

var goInstrument = map[string]string{"gauge": "Gauge", "updowncounter": "UpDownCounter", "counter": "Counter", "histogram": "Histogram"}
var goValue = map[string]string{"int": "Int", "double": "Double"}

func attrs(e Entry) []string {
	if e.Attributes == nil {
		return []string{}
	}
	return e.Attributes
}

func gofmt(src []byte) []byte {
	out, err := format.Source(src)
	if err != nil {
		panic("catalog: generated Go does not parse: " + err.Error())
	}
	return out
}

func native(e Entry) bool { return !e.Pushed() }

// GoAttributes renders attributes_gen.go: every declared attribute, and a type with one
// constant per value for each enum attribute a probe records. The zero value of each type is
// no value, so a forgotten argument is not silently the first one.
func GoAttributes(c Catalogue) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// %s\n\npackage catalog\n\n", header)
	typed := map[string]bool{}
	for _, a := range enumsOf(c, native) {
		typed[a.Key] = true
	}
	b.WriteString("// Attributes is every declared attribute, by key; Values is nil when the values are open.\nvar Attributes = [...]Attribute{\n")
	for _, a := range c.Attributes {
		values := ""
		switch {
		case typed[a.Key]:
			values = fmt.Sprintf(", Values: %sValues[1:]", lowerIdent(a.Key))
		case a.Enum != nil:
			values = fmt.Sprintf(", Values: %#v", a.Enum)
		}
		fmt.Fprintf(&b, "\t{Key: %q, Description: %q%s},\n", a.Key, a.Description, values)
	}
	b.WriteString("}\n")
	for _, a := range enumsOf(c, native) {
		typ := Ident(a.Key)
		fmt.Fprintf(&b, "\n// %s is a value of %s.\ntype %s uint8\n\n// The values of %s.\nconst (\n", typ, a.Key, typ, a.Key)
		for i, v := range a.Enum {
			if i == 0 {
				fmt.Fprintf(&b, "\t%s%s %s = iota + 1\n", typ, Ident(v), typ)
			} else {
				fmt.Fprintf(&b, "\t%s%s\n", typ, Ident(v))
			}
		}
		fmt.Fprintf(&b, ")\n\nvar %sValues = [...]string{\"\"", lowerIdent(a.Key))
		for _, v := range a.Enum {
			fmt.Fprintf(&b, ", %q", v)
		}
		fmt.Fprintf(&b, "}\n\n// String returns the value as exported.\nfunc (v %s) String() string { return %sValues[v] }\n", typ, lowerIdent(a.Key))
	}
	return gofmt(b.Bytes())
}

// GoAttributeSets renders the probe package's attrsets_gen.go: the attribute set of each value
// of each enum attribute a probe records, built once at start, so that recording a point
// allocates nothing.
func GoAttributeSets(c Catalogue) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// %s\n\npackage probe\n\nimport (\n\t\"go.opentelemetry.io/otel/attribute\"\n\n", header)
	b.WriteString("\t\"github.com/sparkotel/sparkotel/native/catalog\"\n)\n\n// The attribute sets the recorders use, indexed by value.\nvar (\n\tnoAttributes = attribute.NewSet()\n")
	for _, a := range enumsOf(c, native) {
		fmt.Fprintf(&b, "\t%sSets = [...]attribute.Set{\n", lowerIdent(a.Key))
		for _, v := range a.Enum {
			fmt.Fprintf(&b, "\t\tcatalog.%s%s: attribute.NewSet(attribute.String(%q, %q)),\n", Ident(a.Key), Ident(v), a.Key, v)
		}
		b.WriteString("\t}\n")
	}
	b.WriteString(")\n")
	return gofmt(b.Bytes())
}

// GoRecorders renders the probe package's record_gen.go: one Recorder method per metric a probe
// records, taking the typed value of its attribute if it has one.
func GoRecorders(c Catalogue) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// %s\n\npackage probe\n\nimport \"github.com/sparkotel/sparkotel/native/catalog\"\n", header)
	for _, e := range c.Metrics {
		if e.Pushed() {
			continue
		}
		param, set, by := "", "noAttributes", ""
		if len(e.Attributes) == 1 {
			a := e.Attributes[0]
			param = fmt.Sprintf("%s catalog.%s, ", lowerIdent(a), Ident(a))
			set = fmt.Sprintf("%sSets[%s]", lowerIdent(a), lowerIdent(a))
			by = ", by " + a
		}
		add, typ := "addInt", "int64"
		if e.Value == "double" {
			add, typ = "addFloat", "float64"
		}
		fmt.Fprintf(&b, "\n// Record%s records %s (%s, %s)%s.\nfunc (r *Recorder) Record%s(%sv %s) { r.%s(catalog.%s, %s, v) }\n",
			Ident(e.Name), e.Name, e.Instrument, e.Unit, by, Ident(e.Name), param, typ, add, Ident(e.Name), set)
	}
	return gofmt(b.Bytes())
}
