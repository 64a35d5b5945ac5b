package tables

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/internal/otlpgen"
)

var t0 = time.Date(2026, 12, 1, 23, 59, 59, 0, time.UTC)

// TestFilesMatchRows: the column writer's files hold exactly the rows the row types give
// (written by parquet-go's reflection), file for file, with the same statistics.
func TestFilesMatchRows(t *testing.T) {
	gen, _ := otlpgen.Build(otlpgen.Shape{GenID: "t", Executors: 3, Pools: 4}, t0)
	// Many resources over two dates: files of several chunks, switched between mid-resource.
	big, _ := otlpgen.Build(otlpgen.Shape{GenID: "t", Executors: 60, Pools: 16}, t0)
	next, _ := otlpgen.Build(otlpgen.Shape{GenID: "t", Executors: 60, Pools: 16}, t0.Add(time.Second))
	next.ResourceMetrics().MoveAndAppendTo(big.ResourceMetrics())
	if g := refConvert(big).Gauge[day(t0.Add(time.Second).UnixMicro())]; len(g) <= 2*chunkRows {
		t.Fatalf("the large case has %d gauge rows of a date, want over two chunks", len(g))
	}
	for name, md := range map[string]pmetric.Metrics{"sparkotel": gen, "large": big, "edges": edges(t), "empty": pmetric.NewMetrics()} {
		t.Run(name, func(t *testing.T) {
			codec, _ := Codec("zstd")
			files, err := Files(md, codec)
			if err != nil {
				t.Fatal(err)
			}
			ref := refConvert(md)
			n := 0
			n += checkKind(t, files, KindGauge, ref.Gauge)
			n += checkKind(t, files, KindSum, ref.Sum)
			n += checkKind(t, files, KindHistogram, ref.Histogram)
			n += checkKind(t, files, KindExponentialHistogram, ref.ExponentialHistogram)
			n += checkKind(t, files, KindSummary, ref.Summary)
			if n != len(files) {
				t.Errorf("%d files, want %d", len(files), n)
			}
		})
	}
}

func checkKind[T any](t *testing.T, files []File, k Kind, want parts[T]) int {
	t.Helper()
	n := 0
	for d, rows := range want {
		if len(rows) == 0 {
			continue
		}
		n++
		var got *File
		for i := range files {
			if files[i].Kind == k && files[i].Date == DateString(d) {
				got = &files[i]
			}
		}
		if got == nil {
			t.Errorf("%s %s: no file", k.Name(), DateString(d))
			continue
		}
		var buf bytes.Buffer
		w := parquet.NewGenericWriter[T](&buf)
		if _, err := w.Write(rows); err != nil || w.Close() != nil {
			t.Fatal(err)
		}
		if g, w := readRows[T](t, got.Data), readRows[T](t, buf.Bytes()); !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s: rows differ\n got %+v\nwant %+v", k.Name(), got.Date, g, w)
		}
		// Reading into Go maps would hide a key written twice; the columns' value counts do not.
		if g, w := valueCounts(t, got.Data), valueCounts(t, buf.Bytes()); !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s: values per column %v, want %v", k.Name(), got.Date, g, w)
		}
		if g, w := got.Stats.String(), refStats(rows).String(); g != w {
			t.Errorf("%s %s: stats\n got %s\nwant %s", k.Name(), got.Date, g, w)
		}
	}
	return n
}

func readRows[T any](t *testing.T, data []byte) []T {
	t.Helper()
	r := parquet.NewGenericReader[T](bytes.NewReader(data))
	rows := make([]T, r.NumRows())
	if n, err := r.Read(rows); n != len(rows) {
		t.Fatalf("read %d of %d rows: %v", n, len(rows), err)
	}
	return rows
}

func valueCounts(t *testing.T, data []byte) []int64 {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var n []int64
	for _, rg := range f.RowGroups() {
		for _, c := range rg.ColumnChunks() {
			n = append(n, c.NumValues())
		}
	}
	return n
}

// refStats is an added file's statistics computed from its rows.
func refStats[T any](rows []T) delta.Stats {
	st := delta.Stats{NumRecords: int64(len(rows)), MinValues: map[string]any{}, MaxValues: map[string]any{}, NullCount: map[string]any{}}
	var cs []*Common
	for i := range rows {
		cs = append(cs, reflect.ValueOf(&rows[i]).Elem().FieldByName("Common").Addr().Interface().(*Common))
	}
	st.MinValues["TimeUnix"] = delta.StatsTime(cs[0].TimeUnix, false)
	st.MaxValues["TimeUnix"] = delta.StatsTime(cs[0].TimeUnix, true)
	for _, c := range cs {
		st.MinValues["TimeUnix"] = min(st.MinValues["TimeUnix"].(string), delta.StatsTime(c.TimeUnix, false))
		st.MaxValues["TimeUnix"] = max(st.MaxValues["TimeUnix"].(string), delta.StatsTime(c.TimeUnix, true))
	}
	st.NullCount["TimeUnix"] = 0
	for j, get := range []func(*Common) string{
		func(c *Common) string { return c.ServiceName }, func(c *Common) string { return c.MetricName },
		func(c *Common) string { return c.SparkApplicationId }, func(c *Common) string { return c.SparkApplicationName },
		func(c *Common) string { return c.SparkExecutorId }, func(c *Common) string { return c.HostName },
	} {
		var vals []string
		var nulls int64
		for _, c := range cs {
			if v := get(c); v == "" && j >= 2 {
				nulls++
			} else {
				vals = append(vals, v)
			}
		}
		name := statsColumns[j+1]
		st.NullCount[name] = nulls
		if len(vals) > 0 && len(slicesMax(vals)) <= 64 && len(slicesMin(vals)) <= 64 {
			st.MinValues[name], st.MaxValues[name] = slicesMin(vals), slicesMax(vals)
		}
	}
	return st
}

func slicesMin(v []string) string {
	m := v[0]
	for _, s := range v {
		m = min(m, s)
	}
	return m
}

func slicesMax(v []string) string {
	m := v[0]
	for _, s := range v {
		m = max(m, s)
	}
	return m
}

// edges is a request with what sparkotel does not send: no attributes, attributes that are not
// strings or repeat a key, long strings, two dates, empty lists, absent optional fields.
func edges(t *testing.T) pmetric.Metrics {
	long := strings.Repeat("x", 70)
	js := `{"resourceMetrics":[{"resource":{"attributes":[
	  {"key":"service.name","value":{"stringValue":"first"}},{"key":"service.name","value":{"stringValue":"svc"}},
	  {"key":"spark.application.id","value":{"stringValue":"` + long + `"}},
	  {"key":"n","value":{"intValue":"7"}},{"key":"b","value":{"boolValue":true}},{"key":"d","value":{"doubleValue":1.5}},
	  {"key":"l","value":{"arrayValue":{"values":[{"stringValue":"a"}]}}}]},
	 "schemaUrl":"https://r","scopeMetrics":[{"scope":{"name":"s","version":"1","attributes":[{"key":"k","value":{"stringValue":"v"}}],"droppedAttributesCount":2},
	  "schemaUrl":"https://s","metrics":[{"name":"` + long + `","description":"d","unit":"1","gauge":{"dataPoints":[
	   {"timeUnixNano":"1764633599000001999","startTimeUnixNano":"5","asInt":"3","flags":1,
	    "attributes":[{"key":"jvm.memory.type","value":{"stringValue":"a"}},{"key":"jvm.memory.type","value":{"stringValue":""}}]},
	   {"timeUnixNano":"1764633600000000000","asDouble":2.5,"attributes":[{"key":"jvm.memory.pool.name","value":{"intValue":"1"}}]},
	   {"timeUnixNano":"1764633598000000000","asDouble":-1}]}}]}]},
	 {"resource":{},"scopeMetrics":[{"scope":{},"metrics":[
	  {"name":"sum","sum":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"1764633599000000000","asDouble":1}]}},
	  {"name":"h","histogram":{"aggregationTemporality":2,"dataPoints":[{"timeUnixNano":"1764633599000000000","count":"0"},
	   {"timeUnixNano":"1764633599000000000","count":"3","sum":1,"min":0,"max":1,"bucketCounts":["1","2"],"explicitBounds":[0.5],
	    "attributes":[{"key":"sparkotel.spark.memory.pool","value":{"stringValue":"execution"}}]}]}},
	  {"name":"x","exponentialHistogram":{"dataPoints":[{"timeUnixNano":"1764633599000000000","count":"2","scale":-1,
	   "negative":{"offset":-2,"bucketCounts":["1","1"]}},{"timeUnixNano":"1764633599000000000"}]}},
	  {"name":"q","summary":{"dataPoints":[{"timeUnixNano":"1764633599000000000","count":"1","sum":2},
	   {"timeUnixNano":"1764633599000000000","quantileValues":[{"quantile":0.5,"value":1},{"quantile":1,"value":3}]}]}},
	  {"name":"nothing"},{"name":"no points","gauge":{}}]}]}]}`
	md, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	attrs := md.ResourceMetrics().At(0).Resource().Attributes()
	if v, _ := attrs.Get("n"); v.Type() != pcommon.ValueTypeInt || attrs.Len() != 7 {
		t.Fatalf("the request is not what the test means: %v", attrs.AsRaw())
	}
	return md
}
