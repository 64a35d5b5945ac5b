// Package export ships the core's readings as OpenTelemetry metrics: a MeterProvider whose
// PeriodicReader runs all probes and reads the JVM's latest batches in one callback per
// interval, on the SDK's own goroutine, and hands the result to an OTLP gRPC (or console)
// exporter, every sample at once or, with a longer export interval, several at a time
// (batching). A collector that is down, slow or refusing costs counted failures and one log
// line, never blocked JVM threads or unbounded memory.
package export
