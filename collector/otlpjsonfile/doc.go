// Package otlpjsonfile is a collector exporter that appends every metrics batch it receives
// to a file as one OTLP-JSON document per line: what the end-to-end tests and `make demo`
// read back. It is sparkotel's own component, the seed of the later lakehouse exporter.
package otlpjsonfile
