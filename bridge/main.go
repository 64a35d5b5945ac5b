// Command bridge is the JNI shim of sparkotel, built with -buildmode=c-shared into the
// library the jar carries. bridge.c holds every JNIEXPORT function and the mailboxes that
// pushed batches wait in; exports.go the plain-C functions it calls into Go; host.go what
// the Go core is given of the shim at start. JNI types live in this folder and nowhere
// else, sparkotel.h is the whole contract between C and Go, and nothing under native/
// imports this package: the core receives the shim as a core.Host.
package main

func main() {}
