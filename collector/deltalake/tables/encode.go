package tables

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/pqfile"
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

// chunkRows is how many rows of a scope may wait for their resource's and scope's columns:
// enough to amortize filling them, few enough that pages are cut near their size.
const chunkRows = 512

// Files encodes a request: one Parquet file per table and date, its statistics computed as
// its rows are built. Values go straight into the file's typed columns, and a resource's or
// scope's columns are rendered once for a run of its points.
func Files(md pmetric.Metrics, codec compress.Codec) ([]File, error) {
	e := encoder{codec: codec}
	if err := e.run(md); err != nil {
		return nil, err // the writers, in an unknown state, are not reused
	}
	out := make([]File, 0, len(e.files))
	for _, f := range e.files {
		data, err := f.close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.kind.Name(), err)
		}
		out = append(out, File{Kind: f.kind, Date: DateString(f.day), Data: data, Stats: f.stats.delta()})
	}
	return out, nil
}

type encoder struct {
	codec compress.Codec
	files []*file
	last  [NumKinds]*file
	res   resource
	scope scope
	point point
}

func (e *encoder) run(md pmetric.Metrics) error {
	for _, rm := range md.ResourceMetrics().All() {
		e.res.set(rm)
		for _, sm := range rm.ScopeMetrics().All() {
			e.scope.set(sm)
			for _, m := range sm.Metrics().All() {
				if err := e.metric(m, &e.res, &e.scope); err != nil {
					return err
				}
			}
			for _, f := range e.files {
				if err := f.cols.fill(&e.res, &e.scope); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// row starts a row of kind k for the current point: its file (by the point's date), with the
// Common columns appended and counted in the statistics.
func (e *encoder) row(k Kind, res *resource, sc *scope) (*file, *columns, error) {
	d := day(e.point.time)
	f := e.last[k]
	if f == nil || f.day != d {
		var err error
		if f, err = e.file(k, d); err != nil {
			return nil, nil, err
		}
		e.last[k] = f
	}
	f.stats.row(res, &e.point)
	f.cols.common(&e.point)
	return f, &f.cols, nil
}

func (e *encoder) file(k Kind, d int32) (*file, error) {
	for _, f := range e.files {
		if f.kind == k && f.day == d {
			return f, nil
		}
	}
	w, err := getWriter(k, e.codec)
	if err != nil {
		return nil, err
	}
	f := &file{kind: k, day: d, writer: w, buf: &bytes.Buffer{}}
	f.cols.w = w.w
	e.files = append(e.files, f)
	return f, nil
}

// file is a data file being written.
type file struct {
	kind Kind
	day  int32
	*writer
	buf   *bytes.Buffer
	stats stats
}

// endRow ends the row being built, of res and sc; a full chunk goes to the writer.
func (f *file) endRow(res *resource, sc *scope) error {
	f.cols.endRow()
	if f.cols.pend >= chunkRows {
		return f.cols.fill(res, sc)
	}
	return nil
}

// close writes the pending rows and the footer, and gives the writer back for reuse.
func (f *file) close() ([]byte, error) {
	if f.cols.pend != 0 {
		panic("tables: a file closed before its resource's columns were filled")
	}
	if err := f.w.Close(f.buf); err != nil {
		return nil, err
	}
	putWriter(f.kind, f.writer)
	return f.buf.Bytes(), nil
}

// writer is a Parquet writer of one kind, kept for reuse: its column buffers and
// dictionaries grow to a batch's size once.
type writer struct {
	w     *pqfile.Writer
	codec compress.Codec
	cols  columns
}

type writerKey struct {
	kind  Kind
	codec compress.Codec
}

var writers sync.Map // writerKey -> *sync.Pool of *writer

func getWriter(k Kind, codec compress.Codec) (*writer, error) {
	p, _ := writers.LoadOrStore(writerKey{k, codec}, &sync.Pool{})
	if w, ok := p.(*sync.Pool).Get().(*writer); ok {
		return w, nil
	}
	pw, err := pqfile.New(schemas[k], codec, "sparkotel-deltalake version 0.1.0")
	if err != nil {
		return nil, err
	}
	return &writer{w: pw, codec: codec}, nil
}

func putWriter(k Kind, w *writer) {
	p, _ := writers.Load(writerKey{k, w.codec})
	p.(*sync.Pool).Put(w)
}

// DateString renders days since the epoch as the partition value.
func DateString(d int32) string {
	return time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly)
}
