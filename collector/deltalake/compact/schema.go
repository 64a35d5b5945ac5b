package compact

import (
	"fmt"

	"github.com/parquet-go/parquet-go"
)

// widest returns the index of the first file with the most leaf columns: after a column is
// added to the table, the schema of the newer files.
func widest(files []*parquet.File) int {
	best := 0
	for i, f := range files {
		if len(f.Schema().Columns()) > len(files[best].Schema().Columns()) {
			best = i
		}
	}
	return best
}

// conversion returns how rows of schema from become rows of schema to. parquet.Convert alone
// would cast a column of another type, fill a missing required column with zeros and drop a
// column to lacks, so those are refused first: only top-level columns to adds as optional,
// which Delta readers read as null in from's rows, are allowed to differ.
func conversion(to, from *parquet.Schema) (parquet.Conversion, error) {
	have := map[string]parquet.Field{}
	for _, f := range from.Fields() {
		have[f.Name()] = f
	}
	for _, f := range to.Fields() {
		g, ok := have[f.Name()]
		switch {
		case !ok && !f.Optional():
			return nil, fmt.Errorf("required column %s is missing", f.Name())
		case ok && !parquet.EqualNodes(f, g):
			return nil, fmt.Errorf("column %s differs in type or nullability", f.Name())
		}
		delete(have, f.Name())
	}
	for _, f := range from.Fields() {
		if _, ok := have[f.Name()]; ok {
			return nil, fmt.Errorf("column %s is not in the wider schema", f.Name())
		}
	}
	return parquet.Convert(to, from)
}
