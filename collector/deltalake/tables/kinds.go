package tables

import (
	"github.com/parquet-go/parquet-go"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
)

// Kind is an OTLP point kind, and the table its points go to.
type Kind int

const (
	KindGauge Kind = iota
	KindSum
	KindHistogram
	KindExponentialHistogram
	KindSummary
	NumKinds
)

// Name is the table name's suffix (otel_metrics_ + Name).
func (k Kind) Name() string {
	return [...]string{"gauge", "sum", "histogram", "exponential_histogram", "summary"}[k]
}

// PartitionColumn is the date column the tables are partitioned by (UTC date of TimeUnix).
// Its values live in the log and the directory names, not in the data files.
const PartitionColumn = "Date"

// Schema is the Parquet schema of a kind's data files.
func (k Kind) Schema() *parquet.Schema { return schemas[k] }

var schemas = [NumKinds]*parquet.Schema{
	parquet.SchemaOf(Gauge{}), parquet.SchemaOf(Sum{}), parquet.SchemaOf(Histogram{}),
	parquet.SchemaOf(ExponentialHistogram{}), parquet.SchemaOf(Summary{}),
}

// DeltaSchema is the table's schema as Delta's metaData holds it: the data files' columns and
// then the partition column.
func (k Kind) DeltaSchema() (string, error) {
	return delta.SchemaString(schemas[k], delta.Field{Name: PartitionColumn, Type: "date", Nullable: true, Metadata: map[string]any{}})
}

// Metadata is the metaData of a new table of this kind.
func (k Kind) Metadata(id, name string) (delta.Metadata, error) {
	s, err := k.DeltaSchema()
	return delta.Metadata{
		ID: id, Name: name,
		Format:           delta.Format{Provider: "parquet", Options: map[string]string{}},
		SchemaString:     s,
		PartitionColumns: []string{PartitionColumn},
		Configuration:    map[string]string{},
	}, err
}

// statsColumns are the columns whose min/max an added file records: time for every query,
// the promoted identities for the usual filters.
var statsColumns = []string{"TimeUnix", "ServiceName", "MetricName", "SparkApplicationId", "SparkApplicationName", "SparkExecutorId", "HostName"}
