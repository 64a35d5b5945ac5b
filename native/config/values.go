package config

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// choose sets *dst to v when v is one of accepted, else reports the key.
func choose(dst *string, k, v string, bad func(key, value, why string), accepted ...string) {
	if slices.Contains(accepted, v) {
		*dst = v
	} else {
		bad(k, v, "not one of the accepted values")
	}
}

func isIdentity(k string) bool { return slices.Contains(identityKeys, k) }

func acceptedKeys() []string {
	out := append([]string{}, identityKeys...)
	for k := range keyHelp {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// durationRE is the one duration syntax, shared with the JVM side (config.Durations), so
// the sampler and the exporter always agree on an interval.
var durationRE = regexp.MustCompile(`^\s*(\d+)\s*(ms|s|m|h)?\s*$`)

// parseDuration accepts "<n>ms", "<n>s", "<n>m", "<n>h" and bare milliseconds.
func parseDuration(v string, lo, hi time.Duration) (time.Duration, bool) {
	m := durationRE.FindStringSubmatch(v)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n > int64(hi/time.Millisecond) {
		return 0, false
	}
	unit := map[string]time.Duration{"": time.Millisecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}[m[2]]
	d := time.Duration(n) * unit
	return d, d >= lo && d <= hi
}

func parseSize(v string) (int64, bool) {
	mult := int64(1)
	switch s := strings.ToLower(v); {
	case strings.HasSuffix(s, "k"):
		mult, v = 1<<10, v[:len(v)-1]
	case strings.HasSuffix(s, "m"):
		mult, v = 1<<20, v[:len(v)-1]
	case strings.HasSuffix(s, "g"):
		mult, v = 1<<30, v[:len(v)-1]
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n * mult, err == nil && n > 0
}

func parseHeaders(v string) (map[string]string, bool) {
	h := map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, val, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, false
		}
		h[strings.TrimSpace(k)] = strings.TrimSpace(val)
	}
	return h, true
}

func splitKnown(v string, known []string) (names []string, unknown string) {
	for _, n := range strings.Split(v, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !slices.Contains(known, n) {
			return nil, n
		}
		names = append(names, n)
	}
	return names, ""
}
