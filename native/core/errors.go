package core

import "errors"

// Sentinel errors; the bridge maps each to a status code of sparkotel.h.
var (
	ErrConfig     = errors.New("invalid configuration")
	ErrNotRunning = errors.New("sparkotel core is not running")
	ErrArg        = errors.New("malformed argument")
	ErrTimeout    = errors.New("timed out")
	ErrFull       = errors.New("limit reached")
)
