// Package tables holds the lakehouse's tables: one per OTLP point kind, with columns modelled
// on the Collector's ClickHouse exporter (otel_metrics_gauge, _sum, _histogram,
// _exponential_histogram, _summary), the attributes people filter on promoted to columns of
// their own beside the full attribute maps, timestamps in microseconds UTC, partitioned by
// date. It encodes OTLP metrics as Parquet files, column by column in the schema's order,
// with the statistics Delta keeps per file. The Go row types are the schema's one owner: the
// Parquet schema and the Delta (Spark) schema are both derived from them, and a test checks
// that the files hold the rows those types describe.
package tables
