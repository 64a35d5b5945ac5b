// Command libsparkotel is built with -buildmode=c-shared into the library the jar carries.
// It only links the pieces together: the JNI shim (bridge) and, through it, the Go core.
package main

import _ "github.com/sparkotel/sparkotel/bridge"

func main() {}
