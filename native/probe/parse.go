package probe

import (
	"bytes"
	"math"
)

// Small parsers shared by the /proc and /sys files. They never allocate.

// parseUint reads a decimal at the start of b (after spaces), returning it and the rest.
// A number beyond int64 (a kernel's "unlimited" u64) is not ok rather than wrapped negative.
func parseUint(b []byte) (v int64, rest []byte, ok bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	start := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		d := int64(b[i] - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, b[i:], false
		}
		v = v*10 + d
		i++
	}
	return v, b[i:], i > start
}

// parseDecimal reads a non-negative decimal like "12.34".
func parseDecimal(b []byte) (float64, bool) {
	ip, rest, ok := parseUint(b)
	if !ok {
		return 0, false
	}
	v := float64(ip)
	if len(rest) > 0 && rest[0] == '.' {
		scale := 0.1
		for _, c := range rest[1:] {
			if c < '0' || c > '9' {
				break
			}
			v += float64(c-'0') * scale
			scale /= 10
		}
	}
	return v, true
}

// eachLine calls fn for each line of b.
func eachLine(b []byte, fn func(line []byte)) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			fn(b)
			return
		}
		fn(b[:i])
		b = b[i+1:]
	}
}

// keyValue splits "Key: value" or "key value" at the first ':' or space.
func keyValue(line []byte) (key, value []byte) {
	i := bytes.IndexAny(line, ": ")
	if i < 0 {
		return line, nil
	}
	return line[:i], bytes.TrimLeft(line[i+1:], ": \t")
}

// kBValue parses "  12345 kB" into bytes.
func kBValue(v []byte) (int64, bool) {
	n, rest, ok := parseUint(v)
	if !ok {
		return 0, false
	}
	if bytes.Contains(rest, []byte("kB")) {
		n *= 1024
	}
	return n, true
}
