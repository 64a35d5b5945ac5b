// Command simday writes a simulated stretch of a Spark day into a local lake through the
// deltalake exporter itself (its factory, as the collector builds it), so the files,
// partitions, statistics, checkpoints and log are what production writes: N executors and a
// driver per application, each sending its ~150 series every second, in batches of the
// exporter's default minimum size. The query benchmark (bench/querybench.py) times the
// report's SQL over it.
//
//	simday -out build/bench/lake [-executors 100] [-minutes 60] [-app-minutes 60] [-batch 50000]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/sparkotel/sparkotel/collector/deltalake"
)

func main() {
	out := flag.String("out", "", "the exporter's path: the lake directory (created)")
	executors := flag.Int("executors", 100, "executors per application (a driver is added)")
	minutes := flag.Int("minutes", 60, "simulated minutes")
	appMinutes := flag.Int("app-minutes", 60, "each application runs this long; then the next starts")
	batch := flag.Int("batch", 50_000, "points per exporter batch (the default sending_queue's min_size)")
	startFlag := flag.String("start", "2026-12-01T00:00:00Z", "simulated start (UTC)")
	flag.Parse()
	start, err := time.Parse(time.RFC3339, *startFlag)
	if *out == "" || err != nil || *executors < 1 || *minutes < 1 || *appMinutes < 1 || *batch < 1 {
		flag.Usage()
		os.Exit(2)
	}
	cat := catalog()
	began := time.Now()
	st, err := write(context.Background(), *out, cat, start, *executors, *minutes*60, *appMinutes*60, *batch)
	if err != nil {
		fail(err)
	}
	wall := time.Since(began).Seconds()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"executors": *executors, "minutes": *minutes, "app_minutes": *appMinutes, "apps": st.apps,
		"jvms": st.jvms, "series_per_jvm": st.series, "points_per_jvm_second": perSecond(cat),
		"gauge_points": st.gauge, "sum_points": st.sum, "points": st.gauge + st.sum, "batches": st.batches,
		"wall_s": wall, "cpu_s": cpu, "points_per_cpu_s": float64(st.gauge+st.sum) / cpu})
}

type stats struct {
	apps, jvms, series, gauge, sum, batches int
}

// write makes the exporter as the collector does and has it write every batch generate makes.
func write(ctx context.Context, out string, cat []series, start time.Time, executors, seconds, appSeconds, batch int) (stats, error) {
	f := deltalake.NewFactory()
	cfg := f.CreateDefaultConfig().(*deltalake.Config)
	cfg.Path = out
	// The batches are made here, so the exporter writes each as it comes (no queue, no retry).
	cfg.QueueBatch = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.Retry.Enabled = false
	cfg.Timeout = 0
	exp, err := f.CreateMetrics(ctx, exportertest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		return stats{}, err
	}
	if err := exp.Start(ctx, componenttest.NewNopHost()); err != nil {
		return stats{}, err
	}
	batches := make(chan pmetric.Metrics, 2)
	gen := make(chan stats, 1)
	go func() { gen <- generate(cat, batches, start, executors, seconds, appSeconds, batch) }()
	n := 0
	for md := range batches {
		if err == nil {
			err = exp.ConsumeMetrics(ctx, md)
			n++
		}
	}
	st := <-gen
	st.batches = n
	return st, errors.Join(err, exp.Shutdown(ctx))
}

// generate sends every second's collections, batched, then closes the channel.
func generate(cat []series, out chan<- pmetric.Metrics, start time.Time, executors, seconds, appSeconds, batch int) stats {
	defer close(out)
	var st stats
	var jvms []*jvm
	md, points := pmetric.NewMetrics(), 0
	for s := 0; s < seconds; s++ {
		if s%appSeconds == 0 {
			jvms = application(start, s/appSeconds, executors)
			st.apps++
			st.jvms += len(jvms)
		}
		appStart := start.Add(time.Duration(s-s%appSeconds) * time.Second)
		for _, j := range jvms {
			g, sm, n := collect(md.ResourceMetrics().AppendEmpty(), cat, j, appStart, s%appSeconds)
			st.gauge += g
			st.sum += sm
			st.series = max(st.series, n)
			points += g + sm
			if points >= batch {
				out <- md
				md, points = pmetric.NewMetrics(), 0
			}
		}
	}
	if points > 0 {
		out <- md
	}
	return st
}

// application is the JVMs of the k-th application: its executors and its driver.
func application(start time.Time, k, executors int) []*jvm {
	t := start.Add(time.Duration(k) * time.Hour)
	id := fmt.Sprintf("app-%s-%04d", t.Format("20060102150405"), k+1)
	name := []string{"nightly-etl", "sessionize"}[k%2]
	out := make([]*jvm, 0, executors+1)
	for e := 0; e <= executors; e++ {
		j := &jvm{id: fmt.Sprint(e), index: k*10_000 + e, app: id, appName: name, host: fmt.Sprintf("worker-%03d", e/4),
			gcEvery: 20 + e%41, python: e%3 == 0}
		if e == executors {
			j.id, j.host = "driver", "driver-0"
		}
		out = append(out, j)
	}
	return out
}

// collect appends one JVM's collection at second s of its application, as its exporter sends it.
func collect(rm pmetric.ResourceMetrics, cat []series, j *jvm, appStart time.Time, s int) (gauge, sum, series int) {
	ra := rm.Resource().Attributes()
	ra.PutStr("service.name", j.appName)
	ra.PutStr("host.name", j.host)
	ra.PutInt("process.pid", int64(10_000+j.index%10_000))
	ra.PutStr("telemetry.sdk.name", "sparkotel")
	ra.PutStr("telemetry.sdk.version", "0.1.0")
	ra.PutStr("spark.application.id", j.app)
	ra.PutStr("spark.application.name", j.appName)
	ra.PutStr("spark.executor.id", j.id)
	ra.PutStr("service.instance.id", j.app+"/"+j.id)
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("sparkotel")
	sm.Scope().SetVersion("0.1.0")
	// JVMs are not in step: each stamps its collections at its own offset within the second.
	ts := pcommon.NewTimestampFromTime(appStart.Add(time.Duration(s)*time.Second + time.Duration(j.index%100)*7*time.Millisecond))
	st := pcommon.NewTimestampFromTime(appStart)
	for _, m := range cat {
		k := max(len(m.attrs), 1)
		series += k
		if s%m.every != 0 {
			continue
		}
		met := sm.Metrics().AppendEmpty()
		met.SetName(m.name)
		met.SetUnit(m.unit)
		var dps pmetric.NumberDataPointSlice
		if m.sum {
			sum := met.SetEmptySum()
			sum.SetIsMonotonic(m.mono)
			sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			dps = sum.DataPoints()
		} else {
			dps = met.SetEmptyGauge().DataPoints()
		}
		for i := range k {
			dp := dps.AppendEmpty()
			dp.SetTimestamp(ts)
			if m.sum {
				dp.SetStartTimestamp(st)
			}
			dp.SetDoubleValue(m.value(j, s, i))
			if m.stage {
				dp.Attributes().PutStr("spark.stage.id", fmt.Sprint(stage(s)))
				dp.Attributes().PutStr("spark.stage.attempt", "0")
			} else if m.attrs != nil {
				for a := 0; a+1 < len(m.attrs[i]); a += 2 {
					dp.Attributes().PutStr(m.attrs[i][a], m.attrs[i][a+1])
				}
			}
		}
		if m.sum {
			sum += k
		} else {
			gauge += k
		}
	}
	if j.id == "driver" {
		sum += lost(sm.Metrics().AppendEmpty(), ts, st, s)
	}
	return gauge, sum, series
}

// lost is the driver's sparkotel.executor.lost: a few executors lost for memory each hour.
func lost(met pmetric.Metric, ts, start pcommon.Timestamp, s int) int {
	met.SetName("sparkotel.executor.lost")
	met.SetUnit("{executor}")
	sum := met.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	for i, cause := range []string{"heap", "container_memory"} {
		dp := sum.DataPoints().AppendEmpty()
		dp.SetTimestamp(ts)
		dp.SetStartTimestamp(start)
		dp.SetDoubleValue(float64(s / (1200 * (i + 1))))
		dp.Attributes().PutStr("sparkotel.loss.cause", cause)
	}
	return 2
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "simday:", err)
	os.Exit(1)
}
