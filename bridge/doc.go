// Package bridge is the JNI shim of sparkotel: bridge.c holds every JNIEXPORT function and
// exports.go the plain-C functions it calls. JNI types live in this folder and nowhere else;
// sparkotel.h is the whole contract between the two. The c-shared library imports this
// package for its side effect of compiling bridge.c into the same library.
package bridge
