// Package deltalake is a Collector exporter that writes OTLP metrics to Delta Lake tables, one
// per point kind (otel_metrics_gauge, _sum, _histogram, _exponential_histogram, _summary),
// on a local disk or in an object store. Each batch the exporterhelper queue hands over
// becomes one Parquet file per table and date and one Delta commit per table; a retried batch
// is committed at most once (Delta txn actions). See docs/lakehouse.md.
package deltalake
