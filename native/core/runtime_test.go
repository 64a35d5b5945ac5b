package core

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/sparkotel/sparkotel/native/catalog"
)

func TestLifecycleAttachAndRefcount(t *testing.T) {
	if _, err := DefineSeries("jvm.class.count"); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("define before start: %v", err)
	}
	if _, att, err := Start(map[string]string{"exporter": "none", "spark.app.id": "app-1"}, &fakeHost{}); err != nil || att {
		t.Fatalf("first start: attached=%v err=%v", att, err)
	}
	if cfg, att, err := Start(quiet, &fakeHost{}); err != nil || !att || cfg.Identity["spark.app.id"] != "app-1" {
		t.Fatalf("second start must attach and return the running config: attached=%v err=%v", att, err)
	}
	if Current().Config.Identity["spark.app.id"] != "app-1" {
		t.Fatal("second start must not replace the first config")
	}
	if err := Stop(time.Second); err != nil || Current() == nil {
		t.Fatalf("first stop must keep the core for the other user: %v", err)
	}
	if err := Stop(time.Second); err != nil || Current() != nil {
		t.Fatalf("last stop must shut down: %v", err)
	}
	if err := Stop(time.Second); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("stop when stopped: %v", err)
	}
}

func TestReadingsRoundTrip(t *testing.T) {
	host := &fakeHost{}
	if _, _, err := Start(quiet, host); err != nil {
		t.Fatal(err)
	}
	defer Stop(time.Second)
	id, err := DefineSeries("jvm.memory.used\tjvm.memory.type=heap\tjvm.memory.pool.name=G1 Eden Space")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := DefineSeries("jvm.memory.used\tjvm.memory.type=heap\tjvm.memory.pool.name=G1 Eden Space"); again != id {
		t.Fatalf("same spec must share an id: %d vs %d", again, id)
	}
	host.put(2, batch(42, id, 1234.5))
	var got []Reading
	Current().EachReading(func(s *Series, r Reading) {
		if s.Name != "jvm.memory.used" || s.Attrs[1] != [2]string{"jvm.memory.pool.name", "G1 Eden Space"} {
			t.Errorf("series = %+v", s)
		}
		got = append(got, r)
	})
	if len(got) != 1 || got[0].Value != 1234.5 || got[0].UnixNanos != 42 {
		t.Fatalf("readings = %+v", got)
	}
	// Released twice (defined twice): the value is no longer visible.
	_ = ReleaseSeries(id)
	_ = ReleaseSeries(id)
	n := 0
	Current().EachReading(func(*Series, Reading) { n++ })
	if n != 0 {
		t.Fatalf("released series still visible: %d", n)
	}
}

func TestParseSpec(t *testing.T) {
	for _, bad := range []string{"", "\tk=v", "m\tnovalue", "m\t=v"} {
		if _, err := ParseSpec(bad); !errors.Is(err, ErrArg) {
			t.Errorf("ParseSpec(%q) err = %v", bad, err)
		}
	}
	s, err := ParseSpec("m\tk=a=b")
	if err != nil || s.Attrs[0] != [2]string{"k", "a=b"} {
		t.Fatalf("value with '=': %+v %v", s, err)
	}
}

var quiet = map[string]string{"exporter": "none"}

func TestStartRejectsBadConfigNamingTheKey(t *testing.T) {
	_, _, err := Start(map[string]string{"interval": "soon", "exporter": "kafka"}, &fakeHost{})
	if !errors.Is(err, ErrConfig) || Current() != nil {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{`interval="soon"`, "a duration such as 1s", `exporter="kafka"`, "otlp, console or none"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestLenientConfigStartsWithDefaultsAndLogs(t *testing.T) {
	DrainLogs()
	host := &fakeHost{}
	cfg, _, err := Start(map[string]string{"exporter": "none", "interval": "soon", "config.lenient": "true",
		"config.prefix": "spark.metrics.conf.*.sink.otel."}, host)
	if err != nil {
		t.Fatal(err)
	}
	defer Stop(time.Second)
	if cfg.Interval != time.Second || Current().Config.Interval != time.Second {
		t.Errorf("interval = %v, want the 1s default", cfg.Interval)
	}
	if host.queued == 0 {
		t.Error("the host was not told that log lines wait")
	}
	logs := DrainLogs()
	if !strings.Contains(logs, `WARN sparkotel: spark.metrics.conf.*.sink.otel.interval="soon"`) || !strings.Contains(logs, "using the default") {
		t.Errorf("logs = %q", logs)
	}
}

func TestDefineSeriesChecksTheCatalogue(t *testing.T) {
	if _, _, err := Start(quiet, &fakeHost{}); err != nil {
		t.Fatal(err)
	}
	defer Stop(time.Second)
	for _, bad := range []string{
		"no.such.metric",
		"process.memory.usage",                  // a native metric, not pushed
		"jvm.memory.used\tjvm.memory.type=heap", // missing the pool attribute
		"jvm.memory.used\tjvm.memory.pool.name=x\tjvm.memory.type=heap", // wrong order
	} {
		if _, err := DefineSeries(bad); !errors.Is(err, ErrArg) {
			t.Errorf("DefineSeries(%q) err = %v", bad, err)
		}
	}
}

func TestForwardedSeries(t *testing.T) {
	host := &fakeHost{}
	if _, _, err := Start(quiet, host); err != nil {
		t.Fatal(err)
	}
	defer Stop(time.Second)
	id, err := DefineSeries("spark.executor.succeeded_tasks\t@kind=counter")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DefineSeries("spark.x\tk=v"); !errors.Is(err, ErrArg) {
		t.Errorf("forwarded series without @kind: %v", err)
	}
	host.put(3, batch(99, id, 7.0))
	n := 0
	Current().EachForwarded(func(name, kind string, _ attribute.Set, v float64, ns int64) {
		n++
		if name != "spark.executor.succeeded_tasks" || kind != "counter" || v != 7 || ns != 99 {
			t.Errorf("got %s %s %v %d", name, kind, v, ns)
		}
	})
	Current().EachPushed(func(catalog.ID, attribute.Set, int, float64) { t.Error("forwarded series seen as a catalogue metric") })
	if n != 1 {
		t.Fatalf("forwarded readings = %d", n)
	}
}

// TestNoGoroutineLeaks: the core's goroutines (reader, exporter, gRPC) end with Stop.
func TestNoGoroutineLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 5; i++ {
		if _, _, err := Start(map[string]string{"interval": "100ms", "endpoint": "127.0.0.1:1", "timeout": "200ms"}, &fakeHost{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond) // at least one export attempt against the closed port
		if err := Stop(time.Second); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+1 {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after 5 start/stop cycles:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
