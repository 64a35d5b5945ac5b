#!/usr/bin/env python3
"""The lakehouse end to end: the collector built by ocb, fed real OTLP by otlpgen, writes Delta
tables with the deltalake exporter to a local disk, S3 (moto) and Azure Blob (Azurite); then
delta-rs, DuckDB (delta_scan) and Spark 3.5 / Spark 4.2 (delta-spark) read them, and the
counts must be what the collector acknowledged. Faults: two collectors on the same tables,
SIGKILL mid-write, SIGKILL with points queued in memory and in file_storage (durable.py), a
refused object store, a full disk, bad config.

Usage: lakehouse.py COLLECTOR OTLPGEN COMPACT, run with the python of the lakehouse venv; the
Makefile (test-lakehouse) says where the other tools are: MOTO_BIN, AZURITE_BIN, and for each
Spark its python and delta-spark jars (SPARK3_PY, DELTA3_JARS, SPARK4_PY, DELTA4_JARS).
LAKEHOUSE_SECONDS sets the two-writer run (default 60).
Ends with 'N passed, N failed'; exits non-zero on any failure.
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import duckdb
from deltalake import DeltaTable

import durable
import evolve

from services import (TABLES, Azurite, Collector, Moto, exporter_yaml, finish_generator, generate, start_generator,
                      stop)

collector_bin, otlpgen, compact_bin, oldtable_bin = sys.argv[1:5]
SECONDS = int(os.environ.get("LAKEHOUSE_SECONDS", "60"))
HERE = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="sparkotel-lakehouse-")
results = []
started = time.time()


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(f"  {'PASS' if ok else 'FAIL'} {name}" + ("" if ok else f": {detail}"), flush=True)


def add(a, b):
    return {k: a.get(k, 0) + b.get(k, 0) for k in set(a) | set(b) if k.startswith("otel_metrics_")}


def delta_counts(uri_of, storage_options=None):
    """Rows and distinct points per table, read by delta-rs."""
    out = {}
    for t in TABLES:
        dt = DeltaTable(uri_of(t), storage_options=storage_options)
        tab = dt.to_pyarrow_table(columns=["ResourceAttributes", "MetricName", "Attributes", "TimeUnix"])
        con = duckdb.connect()
        con.register("t", tab)
        n, d = con.execute("""SELECT count(*), count(DISTINCT (ResourceAttributes['gen.id'],
            ResourceAttributes['service.instance.id'], MetricName, Attributes::VARCHAR, TimeUnix)) FROM t""").fetchone()
        out[f"otel_metrics_{t}"] = (n, d)
    return out


def same(name, counts, sent):
    bad = {t: (counts[t], sent.get(t, 0)) for t in counts if counts[t] != (sent.get(t, 0), sent.get(t, 0))}
    check(name, not bad and sum(sent.values()) > 0, f"(rows, distinct) vs sent: {bad}")


def log_is_whole(table_dir):
    """Every commit parses, its added files exist, and the versions have no gap."""
    log = os.path.join(table_dir, "_delta_log")
    versions = sorted(int(f[:20]) for f in os.listdir(log) if f.endswith(".json") and f[:20].isdigit())
    for v in versions:
        for line in open(os.path.join(log, f"{v:020d}.json")):
            a = json.loads(line)
            if "add" in a and not os.path.exists(os.path.join(table_dir, a["add"]["path"])):
                return f"version {v} adds a missing file {a['add']['path']}"
    if versions != list(range(versions[0], versions[-1] + 1)):
        return f"gap in versions {versions}"
    return ""


moto_bin = os.environ["MOTO_BIN"]
azurite_bin = os.environ["AZURITE_BIN"]
servers = []
try:
    # ---- two collectors, one set of tables per store, for a minute ---------------------------
    print(f">> two collectors write the same tables on disk, S3 (moto) and Azure (Azurite) for {SECONDS}s", flush=True)
    moto = Moto(moto_bin, work)
    servers.append(moto)
    azurite = Azurite(azurite_bin, work)
    servers.append(azurite)
    lake = os.path.join(work, "lake")
    exporters = (exporter_yaml("local", lake) + exporter_yaml("s3", moto.url("lake"))
                 + exporter_yaml("azure", azurite.url("lake")))
    cols = [Collector(collector_bin, work, f"writer{i}", exporters) for i in (1, 2)]
    gens = [start_generator(otlpgen, c.endpoint, f"gen{i}", requests=0, duration=f"{SECONDS}s", every="50ms",
                            executors=4, pools=8) for i, c in enumerate(cols)]
    sent = {}
    for g in gens:
        s = finish_generator(g, timeout=SECONDS + 120)
        check("generator: every request acknowledged", s["failed_requests"] == 0, s)
        sent = add(sent, s)
    for c in cols:
        check(f"{os.path.basename(c.config)}: graceful stop", c.stop() == 0, c.logtext()[-2000:])
    print(f"   sent {sum(sent.values())} points: {sent}", flush=True)
    same("delta-rs, local disk: every point once", delta_counts(lambda t: os.path.join(lake, f"otel_metrics_{t}")), sent)
    same("delta-rs, S3: every point once", delta_counts(lambda t: moto.delta_uri("lake", t), moto.storage_options()), sent)
    same("delta-rs, Azure Blob: every point once",
         delta_counts(lambda t: azurite.delta_uri("lake", t), azurite.storage_options()), sent)
    gauge = os.path.join(lake, "otel_metrics_gauge")
    dt = DeltaTable(gauge)
    cps = glob.glob(os.path.join(gauge, "_delta_log", "*.checkpoint.parquet"))
    check("checkpoints written, _last_checkpoint names the newest",
          cps and json.load(open(os.path.join(gauge, "_delta_log", "_last_checkpoint")))["version"] ==
          max(int(os.path.basename(p)[:20]) for p in cps), cps)
    writers = {json.loads(l)["commitInfo"]["engineInfo"] for f in glob.glob(os.path.join(gauge, "_delta_log", "*.json"))
               for l in open(f) if "commitInfo" in l}
    check("both collectors committed to the one table", len(writers) == 2, writers)
    check("log whole: no gap, every added file present", log_is_whole(gauge) == "", log_is_whole(gauge))

    # ---- DuckDB: delta_scan with the pinned extension ----------------------------------------
    print(">> DuckDB delta_scan", flush=True)
    import duckdb_extension_delta
    ext = glob.glob(os.path.join(os.path.dirname(duckdb_extension_delta.__file__), "extensions", "*", "delta.duckdb_extension"))[0]
    con = duckdb.connect()
    con.execute(f"INSTALL '{ext}'; LOAD delta;")
    for t in TABLES:
        n = con.execute(f"SELECT count(*) FROM delta_scan('{os.path.join(lake, 'otel_metrics_' + t)}')").fetchone()[0]
        check(f"duckdb: otel_metrics_{t} has {sent[f'otel_metrics_{t}']} rows", n == sent[f"otel_metrics_{t}"], n)
    q = con.execute(f"""SELECT SparkExecutorId, JvmMemoryType, max(Value) FROM delta_scan('{gauge}')
        WHERE MetricName = 'jvm.memory.used' GROUP BY ALL ORDER BY ALL""").fetchall()
    check("duckdb: per executor and memory type, peak of jvm.memory.used", len(q) == 8 and q[0][2] > 0, q)
    ttype = con.execute(f"SELECT typeof(TimeUnix) FROM delta_scan('{gauge}') LIMIT 1").fetchone()[0]
    check("duckdb: TimeUnix is TIMESTAMP WITH TIME ZONE", ttype == "TIMESTAMP WITH TIME ZONE", ttype)

    # ---- the log pruned behind a checkpoint, and compaction ---------------------------------
    print(">> a copy with commits before the newest checkpoint deleted; a copy compacted", flush=True)
    pruned, compacted = os.path.join(work, "pruned"), os.path.join(work, "compacted")
    shutil.copytree(lake, pruned)
    shutil.copytree(lake, compacted)
    for t in TABLES:
        log = os.path.join(pruned, f"otel_metrics_{t}", "_delta_log")
        cp = json.load(open(os.path.join(log, "_last_checkpoint")))["version"]
        for f in os.listdir(log):
            if f[:20].isdigit() and int(f[:20]) < cp:
                os.remove(os.path.join(log, f))
    check("pruned log starts at a checkpoint", not os.path.exists(os.path.join(pruned, "otel_metrics_gauge", "_delta_log",
                                                                             "00000000000000000000.json")))
    same("delta-rs, pruned log: every point once", delta_counts(lambda t: os.path.join(pruned, f"otel_metrics_{t}")), sent)
    before = len(DeltaTable(os.path.join(compacted, "otel_metrics_gauge")).file_uris())
    out = subprocess.run([compact_bin, os.path.join(compacted, "otel_metrics_gauge")], capture_output=True, text=True)
    after = len(DeltaTable(os.path.join(compacted, "otel_metrics_gauge")).file_uris())
    check(f"compaction: {before} files into {after}", out.returncode == 0 and after < before / 10, out.stdout + out.stderr)
    same("delta-rs, compacted: every point once", delta_counts(lambda t: os.path.join(compacted, f"otel_metrics_{t}")), sent)

    # ---- a table of the schema before SparkApplicationName ----------------------------------
    print(">> a table an earlier exporter wrote: the collector adds the new column, readers read both", flush=True)
    mixed = evolve.run(collector_bin, otlpgen, compact_bin, oldtable_bin, work, check, con)

    # ---- Spark 3.5 and Spark 4.2 with delta-spark --------------------------------------------
    paths = [os.path.join(d, f"otel_metrics_{t}") for d in (lake, pruned, compacted) for t in ("gauge", "histogram")]
    for label, py, jars in (("Spark 3", os.environ["SPARK3_PY"], os.environ["DELTA3_JARS"]),
                            ("Spark 4", os.environ["SPARK4_PY"], os.environ["DELTA4_JARS"])):
        print(f">> {label} + delta-spark reads the table, the pruned log and the compacted copy", flush=True)
        r = subprocess.run([py, os.path.join(HERE, "spark_read.py"), jars] + paths + list(mixed),
                           capture_output=True, text=True, timeout=600)
        try:
            got = json.loads(r.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            check(f"{label}: reads", False, r.stderr[-3000:])
            continue
        for p in paths:
            t = "otel_metrics_" + p.rsplit("otel_metrics_", 1)[1]
            g = got[p]
            check(f"{label} ({got['spark']}): {os.path.relpath(p, work)} has every point once, TimeUnix {g['time_type']}",
                  g["rows"] == g["distinct"] == sent[t] and g["time_type"] == "timestamp", g)
        for p, (rows, named) in mixed.items():
            g = got.get(p, {})
            check(f"{label}: {os.path.relpath(p, work)} has {rows} rows, {named} named", (g.get("rows"), g.get("named")) == (rows, named), g)

    # ---- SIGKILL mid-write -------------------------------------------------------------------
    print(">> SIGKILL the collector mid-write, restart it on the same table", flush=True)
    klake = os.path.join(work, "killed")
    fast = exporter_yaml("local", klake, flush="100ms")
    c = Collector(collector_bin, work, "killed", fast)
    g = start_generator(otlpgen, c.endpoint, "k1", requests=0, every="2ms", executors=8, pools=16)
    time.sleep(4)
    c.stop(signal.SIGKILL)
    finish_generator(g, signal.SIGTERM)
    kg = os.path.join(klake, "otel_metrics_gauge")
    whole = log_is_whole(kg)
    check("after SIGKILL: log whole, no partial commit, every added file present", whole == "", whole)
    try:
        committed = {f"otel_metrics_{t}": DeltaTable(os.path.join(klake, f"otel_metrics_{t}")).to_pyarrow_table().num_rows
                     for t in TABLES}
        check("after SIGKILL: delta-rs reads every table", min(committed.values()) > 0, committed)
    except Exception as e:  # noqa: BLE001 - any reader failure is the finding
        check("after SIGKILL: delta-rs reads every table", False, e)
        committed = {}
    c = Collector(collector_bin, work, "restarted", fast)
    more = generate(otlpgen, c.endpoint, "k2", requests=50, every="20ms")
    check("restarted collector: graceful stop", c.stop() == 0)
    want = add(committed, more)
    now = {f"otel_metrics_{t}": DeltaTable(os.path.join(klake, f"otel_metrics_{t}")).to_pyarrow_table().num_rows
           for t in TABLES}
    check("after restart: what was committed before the kill is all there, plus what came after", now == want,
          f"{now} != {want}")
    durable.run(collector_bin, otlpgen, work, check, delta_counts)

    # ---- a refused object store, then the store comes back -----------------------------------
    print(">> S3 refuses connections; the collector keeps running, counts the failure, delivers when S3 is back", flush=True)
    from services import free_port
    port = free_port()
    dead = Moto.__new__(Moto)
    dead.port, dead.bucket = port, "late"
    c = Collector(collector_bin, work, "refused", exporter_yaml("s3", dead.url("lake"), flush="200ms")
                  .replace("        min_size: 5000\n", "        min_size: 5000\n    retry_on_failure:\n"
                           "      initial_interval: 500ms\n      max_interval: 2s\n      max_elapsed_time: 0\n"))
    sent = generate(otlpgen, c.endpoint, "r", requests=20, every="20ms")
    deadline = time.time() + 60  # the S3 SDK retries a refused connection itself before failing
    while time.time() < deadline and "deltalake: batch not committed" not in c.logtext():
        time.sleep(0.5)
    log = c.logtext()
    check("refused store: collector still running", c.alive())
    check("refused store: failure logged by the exporter", "deltalake: batch not committed" in log, log[-1500:])
    failed = c.metric("otelcol_exporter_send_failed_metric_points") + c.metric("otelcol_exporter_enqueue_failed_metric_points")
    retried = log.count("Exporting failed. Will retry")
    check("refused store: failure counted (exporter metrics / retries)", retried > 0 or failed > 0, (failed, retried))
    late = Moto(moto_bin, work, port=port, bucket="late")
    servers.append(late)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            got = {f"otel_metrics_{t}": DeltaTable(late.delta_uri("lake", t), storage_options=late.storage_options())
                   .to_pyarrow_table().num_rows for t in TABLES}
            if got == {k: v for k, v in sent.items() if k.startswith("otel_")}:
                break
        except Exception:  # noqa: BLE001 - not there yet
            got = None
        time.sleep(1)
    check("refused store: every acknowledged point delivered once S3 is back", got == {k: v for k, v in sent.items()
                                                                                      if k.startswith("otel_")}, got)
    check("refused store: graceful stop", c.stop() == 0)

    # ---- a full disk --------------------------------------------------------------------------
    small = os.path.join(work, "small")
    os.makedirs(small)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", small], capture_output=True).returncode == 0:
        print(">> a 512 KiB disk fills up; the collector keeps running and says so", flush=True)
        try:
            c = Collector(collector_bin, work, "full", exporter_yaml("local", small, flush="100ms"))
            generate(otlpgen, c.endpoint, "f", requests=1000, every="2ms", executors=8, pools=16)
            time.sleep(2)
            log = c.logtext()
            check("full disk: collector still running", c.alive())
            check("full disk: 'no space left on device' logged", "no space left on device" in log, log[-1500:])
            check("full disk: graceful stop", c.stop(timeout=30) is not None)
            try:
                n = DeltaTable(os.path.join(small, "otel_metrics_gauge")).to_pyarrow_table().num_rows
                check(f"full disk: the table stays readable ({n} rows committed)", n >= 0)
            except Exception as e:  # noqa: BLE001
                check("full disk: the table stays readable", False, e)
        finally:
            subprocess.run(["umount", "-l", small])
    else:
        print("   (no tmpfs mount allowed here: the full-disk case is covered by the Go test only)")

    # ---- bad config ----------------------------------------------------------------------------
    print(">> bad config is refused, naming the key", flush=True)
    for key, extra in (("compression", "    compression: lz5\n"), ("checkpoint_interval", "    checkpoint_interval: 0\n")):
        cfg = os.path.join(work, f"bad-{key}.yaml")
        open(cfg, "w").write(f"""receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
exporters:
  deltalake:
    path: {work}/bad
{extra}service:
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [deltalake]
""")
        r = subprocess.run([collector_bin, "--config", cfg], capture_output=True, text=True, timeout=30)
        check(f"bad {key}: refused, the error names '{key}'", r.returncode != 0 and f"{key}:" in r.stderr, r.stderr[-800:])
finally:
    for s in servers:
        s.stop()

passed = sum(results)
print(f">> lakehouse: {time.time() - started:.0f}s")
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
