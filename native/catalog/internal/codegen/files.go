package codegen

import (
	"os"
	"path/filepath"
)

// Outputs maps each generated file (relative to the repository root) to its renderer.
var Outputs = map[string]func(Catalogue) []byte{
	"native/catalog/catalog_gen.go":                      Go,
	"native/catalog/attributes_gen.go":                   GoAttributes,
	"native/probe/attrsets_gen.go":                       GoAttributeSets,
	"native/probe/record_gen.go":                         GoRecorders,
	"jvm/src/main/scala/io/sparkotel/wire/Catalog.scala": Scala,
	"docs/metrics.md":                                    Markdown,
	"tests/e2e/catalog.json":                             JSON,
}

// Source is the catalogue, relative to the repository root.
const Source = "native/catalog/metrics.yaml"

// Render loads the catalogue under root and returns every generated file's content.
func Render(root string) (map[string][]byte, error) {
	data, err := os.ReadFile(filepath.Join(root, Source))
	if err != nil {
		return nil, err
	}
	c, err := Load(data)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for path, render := range Outputs {
		out[path] = render(c)
	}
	return out, nil
}
