// Package core is the process-wide sparkotel runtime behind the C ABI: one per process,
// started by the first Start and joined by later ones (in local mode the driver and the
// executor plugin share a JVM). It stores the series the JVM defines and the latest batch
// each pusher sent, taken from the JNI shim at each collection; pushing only copies bytes,
// so no JVM thread ever waits on export I/O.
package core
