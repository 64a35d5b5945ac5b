package tables

// Common holds the columns every table has. Promoted columns are null when the attribute is
// absent; the full maps keep every attribute (values as strings, as the ClickHouse exporter
// keeps them). Delta keeps no statistics inside maps, so only promoted columns prune files.
type Common struct {
	ResourceAttributes    map[string]string `parquet:"ResourceAttributes" parquet-key:",dict" parquet-value:",dict"`
	ResourceSchemaUrl     string            `parquet:"ResourceSchemaUrl,dict"`
	ScopeName             string            `parquet:"ScopeName,dict"`
	ScopeVersion          string            `parquet:"ScopeVersion,dict"`
	ScopeAttributes       map[string]string `parquet:"ScopeAttributes" parquet-key:",dict" parquet-value:",dict"`
	ScopeDroppedAttrCount int32             `parquet:"ScopeDroppedAttrCount"`
	ScopeSchemaUrl        string            `parquet:"ScopeSchemaUrl,dict"`
	ServiceName           string            `parquet:"ServiceName,dict"`                   // resource service.name
	SparkApplicationId    string            `parquet:"SparkApplicationId,optional,dict"`   // resource spark.application.id
	SparkApplicationName  string            `parquet:"SparkApplicationName,optional,dict"` // resource spark.application.name
	SparkExecutorId       string            `parquet:"SparkExecutorId,optional,dict"`      // resource spark.executor.id
	HostName              string            `parquet:"HostName,optional,dict"`             // resource host.name
	MetricName            string            `parquet:"MetricName,dict"`
	MetricDescription     string            `parquet:"MetricDescription,dict"`
	MetricUnit            string            `parquet:"MetricUnit,dict"`
	Attributes            map[string]string `parquet:"Attributes" parquet-key:",dict" parquet-value:",dict"`
	JvmMemoryType         string            `parquet:"JvmMemoryType,optional,dict"`     // jvm.memory.type
	JvmMemoryPoolName     string            `parquet:"JvmMemoryPoolName,optional,dict"` // jvm.memory.pool.name
	SparkMemoryPool       string            `parquet:"SparkMemoryPool,optional,dict"`   // sparkotel.spark.memory.pool
	StartTimeUnix         int64             `parquet:"StartTimeUnix,timestamp(microsecond)"`
	TimeUnix              int64             `parquet:"TimeUnix,timestamp(microsecond)"`
	Flags                 int32             `parquet:"Flags"`
}

// Gauge is a row of otel_metrics_gauge.
type Gauge struct {
	Common
	Value float64 `parquet:"Value"`
}

// Sum is a row of otel_metrics_sum.
type Sum struct {
	Common
	Value                  float64 `parquet:"Value"`
	AggregationTemporality int32   `parquet:"AggregationTemporality"`
	IsMonotonic            bool    `parquet:"IsMonotonic"`
}

// Histogram is a row of otel_metrics_histogram.
type Histogram struct {
	Common
	Count                  int64     `parquet:"Count"`
	Sum                    *float64  `parquet:"Sum,optional"`
	BucketCounts           []int64   `parquet:"BucketCounts,list"`
	ExplicitBounds         []float64 `parquet:"ExplicitBounds,list"`
	Min                    *float64  `parquet:"Min,optional"`
	Max                    *float64  `parquet:"Max,optional"`
	AggregationTemporality int32     `parquet:"AggregationTemporality"`
}

// ExponentialHistogram is a row of otel_metrics_exponential_histogram.
type ExponentialHistogram struct {
	Common
	Count                  int64    `parquet:"Count"`
	Sum                    *float64 `parquet:"Sum,optional"`
	Scale                  int32    `parquet:"Scale"`
	ZeroCount              int64    `parquet:"ZeroCount"`
	PositiveOffset         int32    `parquet:"PositiveOffset"`
	PositiveBucketCounts   []int64  `parquet:"PositiveBucketCounts,list"`
	NegativeOffset         int32    `parquet:"NegativeOffset"`
	NegativeBucketCounts   []int64  `parquet:"NegativeBucketCounts,list"`
	Min                    *float64 `parquet:"Min,optional"`
	Max                    *float64 `parquet:"Max,optional"`
	AggregationTemporality int32    `parquet:"AggregationTemporality"`
}

// Quantile is one entry of a summary point.
type Quantile struct {
	Quantile float64 `parquet:"Quantile"`
	Value    float64 `parquet:"Value"`
}

// Summary is a row of otel_metrics_summary.
type Summary struct {
	Common
	Count            int64      `parquet:"Count"`
	Sum              float64    `parquet:"Sum"`
	ValueAtQuantiles []Quantile `parquet:"ValueAtQuantiles,list"`
}
