package main

/*
#cgo CFLAGS: -Wall -Werror -O2
#include <stdlib.h>
#include "sparkotel.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/sparkotel/sparkotel/native/core"
)

// Every exported function recovers panics: an unrecovered Go panic aborts the whole JVM
// (exit 134, no hs_err, no shutdown hooks), which is the one thing we must never do.

//export sotel_version
func sotel_version(buf *C.char, n C.size_t) {
	defer func() { _ = recover() }()
	writeCString(buf, n, core.Version)
}

// sotel_start starts or joins the core. On success *effective is the effective
// configuration as "key=value" lines, attached first; the caller frees it with free().
//
//export sotel_start
func sotel_start(kv *C.char, kvLen C.size_t, effective **C.char, errBuf *C.char, errLen C.size_t) (status C.int) {
	defer recoverInto(&status, errBuf, errLen)
	pairs, err := splitPairs(C.GoBytes(unsafe.Pointer(kv), C.int(kvLen)))
	if err != nil {
		return statusOf(err, errBuf, errLen)
	}
	cfg, attached, err := core.Start(pairs, jniHost{})
	if err != nil {
		return statusOf(err, errBuf, errLen)
	}
	*effective = C.CString(fmt.Sprintf("attached=%t\n%s", attached, cfg.Effective()))
	return C.SOTEL_OK
}

//export sotel_define_series
func sotel_define_series(spec *C.char, specLen C.size_t, errBuf *C.char, errLen C.size_t) (status C.int) {
	defer recoverInto(&status, errBuf, errLen)
	id, err := core.DefineSeries(C.GoStringN(spec, C.int(specLen)))
	if err != nil {
		return statusOf(err, errBuf, errLen)
	}
	return C.int(id)
}

//export sotel_release_series
func sotel_release_series(id C.int) (status C.int) {
	defer recoverInto(&status, nil, 0)
	return statusOf(core.ReleaseSeries(int32(id)), nil, 0)
}

// sotel_flush has the core collect and send now; it returns at once.
//
//export sotel_flush
func sotel_flush() (status C.int) {
	defer recoverInto(&status, nil, 0)
	return statusOf(core.Flush(), nil, 0)
}

// sotel_native fills out (n values, SOTEL_NATIVE_* order) with the newest native readings,
// -1 where unknown; SOTEL_ERR_STATE when the core is not running.
//
//export sotel_native
func sotel_native(out *C.int64_t, n C.int) (status C.int) {
	defer recoverInto(&status, nil, 0)
	values, ok := core.Native()
	if !ok {
		return C.SOTEL_ERR_STATE
	}
	dst := unsafe.Slice((*int64)(unsafe.Pointer(out)), int(n))
	for i := range dst {
		dst[i] = -1
		if i < len(values) {
			dst[i] = values[i]
		}
	}
	return C.SOTEL_OK
}

// sotel_drain_logs returns the queued log lines, or NULL. The caller owns the string and
// frees it with free().
//
//export sotel_drain_logs
func sotel_drain_logs() (out *C.char) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	if s := core.DrainLogs(); s != "" {
		return C.CString(s)
	}
	return nil
}

//export sotel_stop
func sotel_stop(timeoutMillis C.int64_t, errBuf *C.char, errLen C.size_t) (status C.int) {
	defer recoverInto(&status, errBuf, errLen)
	return statusOf(core.Stop(time.Duration(timeoutMillis)*time.Millisecond), errBuf, errLen)
}

func recoverInto(status *C.int, errBuf *C.char, errLen C.size_t) {
	if r := recover(); r != nil {
		*status = C.SOTEL_ERR_PANIC
		writeCString(errBuf, errLen, fmt.Sprintf("internal error (recovered panic): %v", r))
	}
}

// statusOf maps the core's sentinel errors onto the header's status codes.
func statusOf(err error, errBuf *C.char, errLen C.size_t) C.int {
	if err == nil {
		return C.SOTEL_OK
	}
	writeCString(errBuf, errLen, err.Error())
	switch {
	case errors.Is(err, core.ErrConfig):
		return C.SOTEL_ERR_CONFIG
	case errors.Is(err, core.ErrNotRunning):
		return C.SOTEL_ERR_STATE
	case errors.Is(err, core.ErrTimeout):
		return C.SOTEL_ERR_TIMEOUT
	case errors.Is(err, core.ErrFull):
		return C.SOTEL_ERR_FULL
	default:
		return C.SOTEL_ERR_ARG
	}
}

// splitPairs decodes the shim's packing: NUL-terminated strings, key then value.
func splitPairs(b []byte) (map[string]string, error) {
	m := map[string]string{}
	var parts []string
	start := 0
	for i, c := range b {
		if c == 0 {
			parts = append(parts, string(b[start:i]))
			start = i + 1
		}
	}
	if start != len(b) || len(parts)%2 != 0 {
		return nil, fmt.Errorf("%w: configuration must be key/value pairs", core.ErrConfig)
	}
	for i := 0; i < len(parts); i += 2 {
		m[parts[i]] = parts[i+1]
	}
	return m, nil
}

func writeCString(buf *C.char, n C.size_t, s string) {
	if buf == nil || n == 0 {
		return
	}
	dst := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))
	k := copy(dst[:len(dst)-1], s)
	dst[k] = 0
}
