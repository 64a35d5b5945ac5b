package delta

import (
	"encoding/json"
	"fmt"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// SchemaString renders a Parquet schema as the Spark JSON schema a Delta metaData carries,
// so the table's schema has one owner: the Go row type the data files are written from.
// extra columns (the partition columns, which live in the log and not in the files) follow.
func SchemaString(s *parquet.Schema, extra ...Field) (string, error) {
	st, err := structOf(s)
	if err != nil {
		return "", err
	}
	st.Fields = append(st.Fields, extra...)
	b, err := json.Marshal(st)
	return string(b), err
}

// Field is a column of a Spark schema.
type Field struct {
	Name     string         `json:"name"`
	Type     any            `json:"type"`
	Nullable bool           `json:"nullable"`
	Metadata map[string]any `json:"metadata"`
}

type structType struct {
	Type   string  `json:"type"` // "struct"
	Fields []Field `json:"fields"`
}

type arrayType struct {
	Type         string `json:"type"` // "array"
	ElementType  any    `json:"elementType"`
	ContainsNull bool   `json:"containsNull"`
}

type mapType struct {
	Type              string `json:"type"` // "map"
	KeyType           any    `json:"keyType"`
	ValueType         any    `json:"valueType"`
	ValueContainsNull bool   `json:"valueContainsNull"`
}

func structOf(n parquet.Node) (structType, error) {
	st := structType{Type: "struct"}
	for _, f := range n.Fields() {
		t, err := typeOf(f)
		if err != nil {
			return st, fmt.Errorf("%s: %w", f.Name(), err)
		}
		st.Fields = append(st.Fields, Field{Name: f.Name(), Type: t, Nullable: f.Optional() || f.Repeated(), Metadata: map[string]any{}})
	}
	return st, nil
}

func typeOf(n parquet.Node) (any, error) {
	var lv format.LogicalTypeValue
	if lt := n.Type().LogicalType(); lt != nil {
		lv = lt.Value
	}
	switch lv.(type) {
	case *format.MapType:
		kv := n.Fields()[0]
		k, err := typeOf(kv.Fields()[0])
		if err != nil {
			return nil, err
		}
		v, err := typeOf(kv.Fields()[1])
		return mapType{Type: "map", KeyType: k, ValueType: v, ValueContainsNull: kv.Fields()[1].Optional()}, err
	case *format.ListType:
		elem := n.Fields()[0].Fields()[0]
		e, err := typeOf(elem)
		return arrayType{Type: "array", ElementType: e, ContainsNull: elem.Optional()}, err
	case *format.TimestampType:
		return "timestamp", nil
	case *format.DateType:
		return "date", nil
	case *format.StringType:
		return "string", nil
	}
	if !n.Leaf() {
		return structOf(n)
	}
	switch n.Type().Kind() {
	case parquet.Boolean:
		return "boolean", nil
	case parquet.Int32:
		return "integer", nil
	case parquet.Int64:
		return "long", nil
	case parquet.Float:
		return "float", nil
	case parquet.Double:
		return "double", nil
	case parquet.ByteArray:
		return "binary", nil
	}
	return nil, fmt.Errorf("no Spark type for %v", n.Type())
}
