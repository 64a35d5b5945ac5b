"""Query time of the report's SQL over a simulated day (make bench; docs/lakehouse.md, "Query time").

simday (collector/deltalake/cmd/simday) writes N executors x ~150 series x M minutes at 1 s
through the deltalake exporter into a local lake; then every query the report, the summary and
the sizing advice run (demo/sql/*.sql through demo/lake.py, as demo/report.py and
demo/advise.py run them) is timed in DuckDB: cold (a new process and connection, so DuckDB has
read nothing; the OS page cache is warm, the files were just written) and warm (run again on
that connection), wall and CPU time. Then deltalake-compact rewrites both tables of a copy of
the lake and the queries are timed again. The lake is kept and reused by the next run of the
same scale.

  python querybench.py SIMDAY COMPACT OUT_DIR EXECUTORS MINUTES
  python querybench.py --one LAKE QUERY        (one query in this process; prints JSON)
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "demo"))
# connect: delta_scan views, spark_stages (the application list scans the gauge table) and
# memory.sql's views. The rest in the order demo/report.py runs them; advice is advise.py's.
QUERIES = ("connect", "summary", "advice", "series", "overview", "stages", "verdicts")
TABLES = ("otel_metrics_gauge", "otel_metrics_sum")
WARM_RUNS = 1


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn):
    w, c = time.perf_counter(), cpu()
    out = fn()
    return out, time.perf_counter() - w, cpu() - c


def one(lake_dir, name):
    """Times one query in this fresh process: cold, then warm on the same connection."""
    import lake
    con, cold_s, cold_cpu = timed(lambda: lake.connect(lake_dir))
    rows = None
    if name != "connect":
        rows, cold_s, cold_cpu = timed(lambda: lake.query(con, name))
    warm = []
    for _ in range(WARM_RUNS):
        fn = (lambda: lake.connect(lake_dir)) if name == "connect" else (lambda: lake.query(con, name))
        warm.append(timed(fn)[1:])
    print(json.dumps({"query": name, "rows": None if rows is None else len(rows), "cold_s": cold_s,
                      "cold_cpu_s": cold_cpu, "warm_s": statistics.median(w for w, _ in warm),
                      "warm_cpu_s": statistics.median(c for _, c in warm),
                      "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def explain(lake_dir, name):
    """EXPLAIN ANALYZE of one query, for the slowest one's plan."""
    import lake
    con = lake.connect(lake_dir)
    return con.execute("EXPLAIN ANALYZE " + lake.sql(name)).fetchall()[0][1]


def measure(lake_dir):
    out = []
    for q in QUERIES:
        p = subprocess.run([sys.executable, __file__, "--one", lake_dir, q], capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"query {q} failed:\n{p.stderr}")
        out.append(json.loads(p.stdout.strip().splitlines()[-1]))
        r = out[-1]
        print(f"   {q:9} {r['rows'] if r['rows'] is not None else '':>8} rows  cold {r['cold_s']:7.2f} s "
              f"(cpu {r['cold_cpu_s']:7.2f})  warm {r['warm_s']:7.2f} s (cpu {r['warm_cpu_s']:7.2f})  "
              f"rss {r['max_rss_mib']:.0f} MiB", flush=True)
    return out


def table_sizes(lake_dir):
    sizes = {}
    for t in TABLES:
        data = log = 0
        files = log_files = 0
        for d, _, names in os.walk(os.path.join(lake_dir, t)):
            for n in names:
                size = os.path.getsize(os.path.join(d, n))
                if "_delta_log" in d:
                    log, log_files = log + size, log_files + 1
                elif n.endswith(".parquet"):
                    data, files = data + size, files + 1
        sizes[t] = {"data_bytes": data, "data_files": files, "log_bytes": log, "log_files": log_files}
    return sizes


def live_files(lake_dir, table):
    import deltalake
    return len(deltalake.DeltaTable(os.path.join(lake_dir, table)).file_uris())


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def generate(simday, lake_dir, executors, minutes):
    """The simulated lake: kept between runs (simday.json beside it says what it holds), so the
    queries can be timed again without writing it again."""
    meta = os.path.join(lake_dir, "simday.json")
    if os.path.exists(meta):
        with open(meta) as f:
            g = json.load(f)
        if (g["executors"], g["minutes"]) == (executors, minutes):
            print(f">> reusing {lake_dir} ({executors} executors x {minutes} min)", flush=True)
            return g
    subprocess.run(["rm", "-rf", lake_dir], check=True)
    print(f">> simday: {executors} executors x {minutes} min at 1 s through the deltalake exporter", flush=True)
    gen = subprocess.run([simday, "-out", lake_dir, "-executors", str(executors), "-minutes", str(minutes)],
                         check=True, capture_output=True, text=True)
    g = json.loads(gen.stdout)
    g["load_during"] = loadavg()
    with open(meta, "w") as f:
        json.dump(g, f)
    return g


def compacted(compact, lake_dir, out_dir):
    """A copy of the lake with both tables compacted by deltalake-compact, and its cost."""
    copy = os.path.join(out_dir, "query-lake-compacted")
    subprocess.run(["rm", "-rf", copy], check=True)
    subprocess.run(["cp", "-a", lake_dir, copy], check=True)
    w = time.perf_counter()
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for t in TABLES:
        p = subprocess.run([compact, os.path.join(copy, t)], check=True, capture_output=True, text=True)
        print(f"   compact {t}: {p.stdout.strip()}", flush=True)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return copy, {"wall_s": time.perf_counter() - w,
                  "cpu_s": (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)}


def run(simday, compact, out_dir, executors, minutes):
    lake_dir = os.path.join(out_dir, "query-lake")
    result = {"nproc": os.cpu_count(), "generate": generate(simday, lake_dir, executors, minutes)}
    g = result["generate"]
    print(f"   {g['points']:,} points ({g['jvms']} JVMs, {g['series_per_jvm']} series each), written in "
          f"{g['wall_s']:.0f} s ({g['cpu_s']:.0f} s CPU)", flush=True)
    phases = []
    for phase in ("as written", "compacted"):
        where = lake_dir
        if phase == "compacted":
            where, result["compact"] = compacted(compact, lake_dir, out_dir)
        print(f">> queries, tables {phase}", flush=True)
        sizes = table_sizes(where)
        for t in TABLES:
            sizes[t]["live_files"] = live_files(where, t)
        phases.append({"phase": phase, "sizes": sizes, "load_before": loadavg(), "queries": measure(where),
                       "load_after": loadavg()})
    result["phases"] = phases
    slowest = max(phases[0]["queries"], key=lambda r: r["cold_cpu_s"])["query"]
    if slowest != "connect":
        with open(os.path.join(out_dir, "query-explain.txt"), "w") as f:
            f.write(f"EXPLAIN ANALYZE {slowest}.sql, tables compacted\n\n{explain(where, slowest)}\n")
    result["rev"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                   cwd=ROOT).stdout.strip()
    with open(os.path.join(out_dir, "query.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(f">> {os.path.join(out_dir, 'query.json')}; the lakes stay in {lake_dir} and {where}")


if __name__ == "__main__":
    if sys.argv[1] == "--one":
        one(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6:
        run(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        raise SystemExit(__doc__)
