package tables

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
)

// File is one encoded data file: a table's rows of one date.
type File struct {
	Kind  Kind
	Date  string // partition value, YYYY-MM-DD
	Data  []byte
	Stats delta.Stats
}

// Codec returns the Parquet codec named zstd, snappy or none.
func Codec(name string) (compress.Codec, error) {
	switch name {
	case "zstd":
		return &zstd.Codec{Level: zstd.SpeedFastest}, nil
	case "snappy":
		return &snappy.Codec{}, nil
	case "none":
		return &uncompressed.Codec{}, nil
	}
	return nil, fmt.Errorf("unknown compression %q (want zstd, snappy or none)", name)
}

// Files encodes the batch: one Parquet file per table and date.
func (b *Batch) Files(codec compress.Codec) ([]File, error) {
	var out []File
	var err error
	out, err = encodeParts(out, KindGauge, b.Gauge, codec)
	if err == nil {
		out, err = encodeParts(out, KindSum, b.Sum, codec)
	}
	if err == nil {
		out, err = encodeParts(out, KindHistogram, b.Histogram, codec)
	}
	if err == nil {
		out, err = encodeParts(out, KindExponentialHistogram, b.ExponentialHistogram, codec)
	}
	if err == nil {
		out, err = encodeParts(out, KindSummary, b.Summary, codec)
	}
	return out, err
}

func encodeParts[T any](out []File, k Kind, p parts[T], codec compress.Codec) ([]File, error) {
	for d, rows := range p {
		if len(rows) == 0 {
			continue
		}
		data, err := Encode(rows, codec)
		if err != nil {
			return out, fmt.Errorf("%s: %w", k.Name(), err)
		}
		out = append(out, File{Kind: k, Date: DateString(d), Data: data, Stats: statsOf(rows)})
	}
	return out, nil
}

// writers keeps Parquet writers for reuse, by row type and codec: building one allocates
// every column's buffers, which costs as much as encoding a large batch.
var writers sync.Map // writerKey -> *sync.Pool

type writerKey struct {
	row   reflect.Type
	codec compress.Codec
}

// Encode writes rows as one Parquet file.
func Encode[T any](rows []T, codec compress.Codec) ([]byte, error) {
	key := writerKey{reflect.TypeFor[T](), codec}
	p, _ := writers.LoadOrStore(key, &sync.Pool{})
	pool := p.(*sync.Pool)
	var buf bytes.Buffer
	w, _ := pool.Get().(*parquet.GenericWriter[T])
	if w == nil {
		w = parquet.NewGenericWriter[T](&buf, parquet.Compression(codec),
			parquet.CreatedBy("sparkotel-deltalake", "0.1.0", ""))
	} else {
		w.Reset(&buf)
	}
	if _, err := w.Write(rows); err != nil {
		return nil, err // a writer in an unknown state is not reused
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	w.Reset(io.Discard)
	pool.Put(w)
	return buf.Bytes(), nil
}

// DateString renders days since the epoch as the partition value.
func DateString(d int32) string {
	return time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly)
}

// statsOf computes an added file's statistics over statsColumns.
func statsOf[T any](rows []T) delta.Stats {
	st := delta.Stats{NumRecords: int64(len(rows)), MinValues: map[string]any{}, MaxValues: map[string]any{}, NullCount: map[string]any{}}
	if len(rows) == 0 {
		return st
	}
	first := commonOf(&rows[0])
	minT, maxT := first.TimeUnix, first.TimeUnix
	strs := []func(*Common) string{
		func(c *Common) string { return c.ServiceName },
		func(c *Common) string { return c.MetricName },
		func(c *Common) string { return c.SparkApplicationId },
		func(c *Common) string { return c.SparkExecutorId },
		func(c *Common) string { return c.HostName },
	}
	type bound struct {
		lo, hi string
		nulls  int64
		seen   bool
	}
	bs := make([]bound, len(strs))
	for i := range rows {
		c := commonOf(&rows[i])
		minT, maxT = min(minT, c.TimeUnix), max(maxT, c.TimeUnix)
		for j, get := range strs {
			v, b := get(c), &bs[j]
			switch {
			case v == "" && j >= 2: // promoted columns: empty is null
				b.nulls++
			case !b.seen:
				b.lo, b.hi, b.seen = v, v, true
			case v < b.lo:
				b.lo = v
			case v > b.hi:
				b.hi = v
			}
		}
	}
	st.MinValues["TimeUnix"] = delta.StatsTime(minT, false)
	st.MaxValues["TimeUnix"] = delta.StatsTime(maxT, true)
	st.NullCount["TimeUnix"] = 0
	for j, b := range bs {
		name := statsColumns[j+1]
		st.NullCount[name] = b.nulls
		// Long strings would need Delta's truncation rules for maxima; they are left out.
		if b.seen && len(b.lo) <= 64 && len(b.hi) <= 64 {
			st.MinValues[name], st.MaxValues[name] = b.lo, b.hi
		}
	}
	return st
}
