#!/usr/bin/env python3
"""End-to-end test of one Spark line: the real collector, a real local-cluster with two executor
JVMs, and assertions on what the collector received (not on our own logs), then the same job
with no collector at all.

Usage: e2e.py JAR COLLECTOR_BINARY LABEL, run with the python of a venv holding pyspark (its
package directory is a full Spark distribution and serves as SPARK_HOME).
Ends with 'N passed, N failed'; exits non-zero on any failure.
"""
import json
import os
import statistics
import sys
import tempfile

import pyspark

import cluster
import otlp

jar, collector_bin, label = sys.argv[1:4]
spark_home = os.path.dirname(os.path.abspath(pyspark.__file__))
work = tempfile.mkdtemp(prefix=f"sparkotel-e2e-{label}-")
job = os.path.join(cluster.HERE, "job.py")
catalog = json.load(open(os.path.join(cluster.HERE, "catalog.json")))
INTERVAL_MS = 200
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"  {'PASS' if ok else 'FAIL'} [{label}] {name}" + ("" if ok else f": {detail}"), flush=True)


def machine_has_memory_cgroup():
    for line in open("/proc/self/cgroup"):
        parts = line.strip().split(":", 2)
        if parts[1] == "" and os.path.exists(f"/sys/fs/cgroup{parts[2]}/memory.current"):
            return True
        if "memory" in parts[1].split(","):
            return True
    return False


# Metrics that only appear under conditions this workload or machine may not meet.
CONDITIONAL = {"sparkotel.spark.tasks.failed", "sparkotel.spark.stage.tasks.active",
               "sparkotel.cgroup.memory.limit", "sparkotel.cgroup.memory.headroom", "sparkotel.cgroup.memory.peak",
               "sparkotel.cgroup.memory.events", "sparkotel.cgroup.memory.pressure",
               # the diagnosis: the budget on executors only, the verdict counts on the driver only
               "sparkotel.container.memory.budget", "sparkotel.executor.lost",
               # forensics, off by default
               "sparkotel.jvm.histogram.bytes", "sparkotel.jvm.histogram.instances", "sparkotel.jvm.native.memory"}
if not machine_has_memory_cgroup():
    CONDITIONAL |= {m["name"] for m in catalog if m["source"] == "cgroup"}
if not os.path.exists("/proc/pressure/memory"):
    CONDITIONAL |= {"sparkotel.system.memory.pressure", "sparkotel.system.memory.pressure.stall_time"}
REQUIRED = {m["name"] for m in catalog} - CONDITIONAL

# ---- with the collector -------------------------------------------------------------------
print(f">> e2e [{label}]: collector + local-cluster[2,1,1024]", flush=True)
out = os.path.join(work, "received.jsonl")
events = os.path.join(work, "eventlog")
os.makedirs(events)
with open(os.path.join(work, "collector.log"), "w") as clog:
    col = cluster.Collector(collector_bin, out, clog)
    try:
        rc, output = cluster.submit(spark_home, jar, f"http://127.0.0.1:{col.port}", job, interval=f"{INTERVAL_MS}ms",
                                    extra=cluster.event_log(events))
    finally:
        col.stop()
open(os.path.join(work, "submit.log"), "w").write(output)
check("the job succeeds with the right answer", rc == 0 and cluster.field(output, "RESULT") == "ok",
      f"rc={rc}, see {work}/submit.log")
app_id = cluster.field(output, "APP_ID")
stages = set(json.loads(cluster.field(output, "STAGES") or "[]"))
procs = otlp.read(out) if os.path.exists(out) else {}
by_exec = {p.resource.get("spark.executor.id"): p for p in procs.values()}
check("resources for the driver and both executors", {"driver", "0", "1"} <= set(by_exec), f"got {sorted(by_exec)}")
# The Collector's Spark receiver's names (spark.application.*), so its data and ours join.
check("every resource names the app", all(p.resource.get("spark.application.id") == app_id and p.resource.get("spark.application.name")
                                           and "spark.app.id" not in p.resource for p in by_exec.values()),
      f"app {app_id}: {[p.resource for p in by_exec.values()]}")
for ex, p in sorted(by_exec.items()):
    missing = sorted(REQUIRED - p.names())
    check(f"{ex}: every catalogue family that applies here", not missing, f"missing {missing}")
    heap = {m: p.last("sparkotel.jvm.memory.area", jvm__memory__type="heap", sparkotel__jvm__memory__measure=m)
            for m in ("used", "committed", "limit")}
    check(f"{ex}: heap used <= committed <= limit", None not in heap.values()
          and 0 < heap["used"] <= heap["committed"] <= heap["limit"], str(heap))
    rss = p.last("process.memory.usage")
    check(f"{ex}: RSS > heap used", rss is not None and heap["used"] is not None and rss > heap["used"], f"rss={rss} heap={heap}")
    times = [pt.time_ns for pt in p.series("process.memory.usage")]
    deltas = [(b - a) / 1e6 for a, b in zip(times, times[1:])]
    med = statistics.median(deltas) if deltas else 0
    check(f"{ex}: samples every {INTERVAL_MS} ms", 0.7 * INTERVAL_MS <= med <= 1.5 * INTERVAL_MS and len(times) >= 10,
          f"median {med:.0f} ms over {len(times)} samples")
    per_request = len(times) / max(p.requests, 1)
    check(f"{ex}: {INTERVAL_MS} ms samples sent a second at a time (export.interval's default)",
          3 <= per_request <= 1000 / INTERVAL_MS + 1, f"{len(times)} samples in {p.requests} requests")
    check(f"{ex}: the sink forwarded Spark's own metrics", any(n.startswith("spark.") for n in p.names()),
          sorted(n for n in p.names() if n.startswith("spark"))[:5])
    # The semantic-convention GC histogram, beside our GC counters: from the JVM's own GC
    # notifications, so each collector it names is one the counters name too.
    gc = {}
    for pt in p.series("jvm.gc.duration"):
        gc[(pt.attrs.get("jvm.gc.name"), pt.attrs.get("jvm.gc.action"))] = pt  # the latest per pair
    counters = {pt.attrs.get("jvm.gc.name"): pt.value for pt in p.series("sparkotel.jvm.gc.count")}
    want_bounds = next(m["buckets"] for m in catalog if m["name"] == "jvm.gc.duration")
    check(f"{ex}: jvm.gc.duration is a histogram by jvm.gc.name and jvm.gc.action, collections counted",
          gc and all(pt.kind == "histogram" and name in counters and action and pt.bounds == want_bounds
                     and len(pt.buckets) == len(want_bounds) + 1 and sum(pt.buckets) == pt.value
                     and pt.sum >= 0 and 0 < pt.value <= counters[name] for (name, action), pt in gc.items()),
          f"{ {k: (v.kind, v.value, v.buckets, v.sum) for k, v in gc.items()} } counters {counters}")
    # A reading that throws on this Spark (a changed internal API) is skipped and counted, so
    # the job and the other readings go on: the count is the only trace, and must stay 0.
    failed = {pt.attrs.get("sparkotel.reading"): pt.value for pt in p.series("sparkotel.jvm.sampler.errors")}
    check(f"{ex}: no JVM-side reading failed", {"jvm", "spark", "tasks"} <= set(failed) and not any(failed.values()),
          str(failed))
for ex in ("0", "1"):
    p = by_exec.get(ex)
    if p is None:
        continue
    peak_exec = max((pt.value for pt in p.series("sparkotel.spark.memory.used", sparkotel__spark__memory__pool="execution")), default=0)
    check(f"executor {ex}: execution memory > 0 during the join", peak_exec > 0, f"peak {peak_exec}")
    seen = {pt.attrs.get("spark.stage.id") for pt in p.series("sparkotel.spark.stage.tasks.active")}
    check(f"executor {ex}: stage activity lines up with the job's stages", seen and {int(s) for s in seen} <= stages,
          f"metrics saw stages {sorted(seen)}, the job ran {sorted(stages)}")
    py = max((pt.value for pt in p.series("sparkotel.children.count", sparkotel__child__kind="python")), default=0)
    check(f"executor {ex}: PySpark workers seen as python children", py >= 1, f"max {py}")
    budget = p.last("sparkotel.container.memory.budget")
    check(f"executor {ex}: container budget = 900 MiB + the 384 MiB minimum overhead", budget == (900 + 384) * 2**20,
          str(budget))
driver = by_exec.get("driver")
lost = {pt.attrs.get("sparkotel.loss.cause"): pt.value for pt in driver.series("sparkotel.executor.lost")} if driver else {}
check("a normal end: the driver counts no lost executor, for every cause", len(lost) == 4 and not any(lost.values()), str(lost))
check("a normal end: no verdict in the driver's log", "sparkotel verdict" not in output,
      [l for l in output.splitlines() if "sparkotel verdict" in l][:2])

# ---- the report a user reads, rendered by a real browser ----------------------------------
sys.path.insert(0, os.path.join(cluster.ROOT, "demo"))
import check_report  # noqa: E402
import report  # noqa: E402

report_html = os.path.join(work, "report.html")
summary = report.build(out, events, report_html)
check("the summary names each executor's peaks and stages", all(f"executor {e}" in summary for e in ("0", "1"))
      and "while stage" in summary, summary)
check("the HTML report renders its charts in headless Chromium", check_report.main(report_html, 3 * 6) == 0)

# ---- without a collector, and with the plugin alone (from --jars, no sink) ---------------
# The executors' one WARN each also proves the plugin alone starts the core on executors.
print(f">> e2e [{label}]: no collector at all, plugin only", flush=True)
dead = cluster.free_port()  # nothing listens here
rc, output = cluster.submit(spark_home, jar, f"http://127.0.0.1:{dead}", job, interval=f"{INTERVAL_MS}ms", sink=False)
open(os.path.join(work, "submit-nocollector.log"), "w").write(output)
check("without a collector the job still succeeds", rc == 0 and cluster.field(output, "RESULT") == "ok", f"rc={rc}, see {work}")
needle = f"cannot export metrics to http://127.0.0.1:{dead}"
check("the driver logs one line about the unreachable endpoint", output.count(needle) == 1, f"{output.count(needle)} lines")
logs = cluster.executor_logs(spark_home, cluster.field(output, "APP_ID"))
check("both executors ran", len(logs) == 2, f"logs {sorted(logs)}")
for ex, text in logs.items():
    check(f"executor {ex}: the plugin alone started sparkotel", "sparkotel: native core" in text and "init failed" not in text,
          [l for l in text.splitlines() if "sparkotel" in l][:3])
    check(f"executor {ex} logs one line about the unreachable endpoint", text.count(needle) == 1, f"{text.count(needle)} lines")

# ---- a job shorter than the sink's period: its final report at stop is all there is --------
# local[4] and Spark's default sink period (10 s), with and without the plugin: Spark's metrics
# must still reach the collector, from the report the sink makes when Spark stops it.
for plugin in (True, False):
    how = "plugin and sink" if plugin else "sink alone"
    print(f">> e2e [{label}]: local[4], a job of a few seconds, {how}, the sink at its default period", flush=True)
    short_out = os.path.join(work, f"short-{'plugin' if plugin else 'sink'}.jsonl")
    with open(os.path.join(work, f"collector-short-{'plugin' if plugin else 'sink'}.log"), "w") as clog:
        col = cluster.Collector(collector_bin, short_out, clog)
        try:
            rc, output = cluster.submit(spark_home, jar, f"http://127.0.0.1:{col.port}", os.path.join(cluster.HERE, "short_job.py"),
                                        master="local[4]", interval=None, period=None, plugin=plugin)
        finally:
            col.stop()
    open(os.path.join(work, f"submit-short-{'plugin' if plugin else 'sink'}.log"), "w").write(output)
    seconds = float(cluster.field(output, "SECONDS") or "nan")
    # Within 8 s of the context being up: its sinks started shortly before, and report first at 10 s.
    check(f"short job, {how}: succeeds within the sink's 10 s period", rc == 0 and cluster.field(output, "RESULT") == "ok"
          and seconds < 8, f"rc={rc}, {seconds} s (stop {cluster.field(output, 'STOP_SECONDS')} s), see {work}")
    short = otlp.read(short_out) if os.path.exists(short_out) else {}
    driver = next((p for p in short.values() if p.resource.get("spark.executor.id") == "driver"), None)
    names = driver.names() if driver else set()
    forwarded = sorted(n for n in names if n.startswith("spark."))
    check(f"short job, {how}: the driver's Spark metrics reached the collector (BlockManager, DAGScheduler)",
          any(n.startswith("spark.block_manager.") for n in names) and any(n.startswith("spark.dagscheduler.") for n in names),
          f"spark.* received: {forwarded[:8]}")
    check(f"short job, {how}: they name the app", driver is not None
          and driver.resource.get("spark.application.id") == cluster.field(output, "APP_ID"), driver and driver.resource)

passed = sum(results)
print(f"e2e [{label}]: evidence in {work}")
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
