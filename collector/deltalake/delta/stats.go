package delta

import (
	"encoding/json"
	"time"
)

// StatsTime renders a timestamp in microseconds as Delta stats do: ISO 8601 in UTC with
// milliseconds. A maximum is rounded up to the next millisecond so that pruning on it never
// skips a file holding the true maximum.
func StatsTime(us int64, roundUp bool) string {
	ms := us / 1000
	if us%1000 != 0 && (us > 0) == roundUp {
		if roundUp {
			ms++
		} else {
			ms--
		}
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

// ParseStats reads an Add's stats string.
func ParseStats(s string) (Stats, error) {
	var st Stats
	if s == "" {
		return st, nil
	}
	err := json.Unmarshal([]byte(s), &st)
	return st, err
}

// String renders the stats as the JSON string Add.Stats holds.
func (s Stats) String() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// MergeStats combines the statistics of files rewritten into one: record and null counts add
// up, minima and maxima of columns that every input has are kept.
func MergeStats(in []Stats) Stats {
	out := Stats{MinValues: map[string]any{}, MaxValues: map[string]any{}, NullCount: map[string]any{}}
	for i, s := range in {
		out.NumRecords += s.NumRecords
		for k, v := range s.NullCount {
			if n, ok := v.(float64); ok {
				prev, _ := out.NullCount[k].(float64)
				out.NullCount[k] = prev + n
			}
		}
		mergeBound(out.MinValues, s.MinValues, i == 0, func(a, b any) bool { return less(a, b) })
		mergeBound(out.MaxValues, s.MaxValues, i == 0, func(a, b any) bool { return less(b, a) })
	}
	return out
}

// mergeBound keeps in acc, per column, the value better says wins; a column absent from any
// input is dropped.
func mergeBound(acc, next map[string]any, first bool, better func(a, b any) bool) {
	if first {
		for k, v := range next {
			acc[k] = v
		}
		return
	}
	for k, v := range acc {
		w, ok := next[k]
		if !ok {
			delete(acc, k)
		} else if better(w, v) {
			acc[k] = w
		}
	}
}

// less orders two stats values of one column: strings (ISO timestamps included) lexically,
// numbers numerically.
func less(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		return x < y
	case float64:
		y, _ := b.(float64)
		return x < y
	}
	return false
}
