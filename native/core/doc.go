// Package core is the process-wide sparkotel runtime behind the C ABI: one per process,
// started by the first Start and joined by later ones (in local mode the driver and the
// executor plugin share a JVM). It stores the series the JVM defines and the latest batch
// each pusher sent; pushing only copies bytes, so Spark's threads never wait on export I/O.
package core
