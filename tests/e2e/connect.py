#!/usr/bin/env python3
"""Spark Connect end to end: Spark's own sbin/start-connect-server.sh starts a Connect server with
the plugin (and the sink) on local-cluster[2,1,1024], so two real executor JVMs fork; a Spark
Connect client (pyspark, SparkSession.builder.remote) runs a job on it; the real Collector
receives what the driver and both executors export, and the checks read what it received.

Usage: connect.py JAR COLLECTOR_BINARY SPARK_HOME LABEL, run with the python of a venv holding
pyspark and its Connect client packages (SPARK_HOME: the server's Spark, of the same version).
Ends with 'N passed, N failed'; exits non-zero on any failure.
"""
import glob
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import cluster
import otlp

jar, collector_bin, spark_home, label = sys.argv[1:5]
work = tempfile.mkdtemp(prefix=f"sparkotel-connect-{label}-")
N = 1_000_000  # every group of id % 10 has N/10 rows
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"  {'PASS' if ok else 'FAIL'} [{label}] {name}" + ("" if ok else f": {detail}"), flush=True)


def server_env():
    # The executors' Python workers run the client's UDFs and need its packages (pyarrow): the
    # Connect planner takes their python from the server's PYSPARK_PYTHON, so this venv's.
    return dict(cluster.spark_env(spark_home), SPARK_LOG_DIR=work, SPARK_PID_DIR=work, PYSPARK_PYTHON=sys.executable)


def start_server(endpoint, port):
    """sbin/start-connect-server.sh as a user runs it: it daemonizes the server JVM, writes its pid
    and log under work (SPARK_PID_DIR, SPARK_LOG_DIR) and returns. Returns (pid or None, log path)."""
    conf = cluster.spark_conf(jar, endpoint, extra={"spark.connect.grpc.binding.port": str(port),
                                                    "spark.connect.grpc.binding.address": "127.0.0.1"})
    cmd = [os.path.join(spark_home, "sbin", "start-connect-server.sh"), *cluster.spark_args(jar, "local-cluster[2,1,1024]", conf)]
    p = subprocess.run(cmd, env=server_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    open(os.path.join(work, "start.log"), "w").write(p.stdout)
    pids = glob.glob(os.path.join(work, "spark-*SparkConnectServer-1.pid"))
    logs = glob.glob(os.path.join(work, "spark-*SparkConnectServer-1-*.out"))
    pid = int(open(pids[0]).read()) if pids else None
    return pid, logs[0] if logs else os.path.join(work, "start.log")


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_listening(pid, port, seconds=180):
    """True once the server accepts connections on port; False if it exits or the time runs out."""
    deadline = time.time() + seconds
    while time.time() < deadline and alive(pid):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.5)
    return False


def stop_server(pid):
    """sbin/stop-connect-server.sh: SIGTERM to the server JVM, whose shutdown hook stops the
    SparkContext (plugins, sinks, then the executors). It does not wait; this does, then kills.
    True when the server stopped by itself."""
    subprocess.run([os.path.join(spark_home, "sbin", "stop-connect-server.sh")], env=server_env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=60)
    deadline = time.time() + 90
    while alive(pid) and time.time() < deadline:
        time.sleep(0.5)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
        return False
    return True


def client_job(spark):
    """The Connect job: a Python UDF (Python workers on the executors), a shuffle and an aggregate
    with a known answer. True when the answer is right."""
    try:
        triple = F.udf(lambda v: v * 3, "long")
        rows = (spark.range(0, N, numPartitions=8).select((F.col("id") % 10).alias("g"), triple("id").alias("w"))
                .groupBy("g").agg(F.sum("w").alias("s"), F.count("*").alias("n")).orderBy("g").collect())
        got = {r["g"]: (r["s"], r["n"]) for r in rows}
        n = N // 10  # group g holds g, g + 10, ..., g + 10 (n - 1)
        want = {g: (3 * (n * g + 10 * n * (n - 1) // 2), n) for g in range(10)}
        return got == want
    finally:
        spark.stop()


print(f">> connect [{label}]: collector + Connect server (start-connect-server.sh) on local-cluster[2,1,1024]", flush=True)
out = os.path.join(work, "received.jsonl")
port = cluster.late_port()  # Spark's own ports, taken before the server binds this one, are ephemeral
ok, app_id, listening, stopped, error, pid = False, None, False, False, "", None
server_log = os.path.join(work, "start.log")
with open(os.path.join(work, "collector.log"), "w") as clog:
    col = cluster.Collector(collector_bin, out, clog)
    try:
        pid, server_log = start_server(f"http://127.0.0.1:{col.port}", port)
        try:
            listening = pid is not None and wait_listening(pid, port)
            if listening:
                try:
                    spark = SparkSession.builder.remote(f"sc://127.0.0.1:{port}").getOrCreate()
                    app_id = spark.conf.get("spark.app.id")  # the server's Spark application
                    ok = client_job(spark)
                except Exception as e:  # the check below reports it
                    error = repr(e)[:400]
                time.sleep(3)  # the executors' next exports (every second) after the job's last tasks
        finally:
            if pid is not None:
                stopped = stop_server(pid)
    finally:
        col.stop()
log = open(server_log, errors="replace").read()
check("the Connect server listens", listening, f"see {server_log}")
check("the Connect client's job succeeds with the right answer", ok, error or f"see {server_log}")
check("stop-connect-server.sh stops the server within 90 s", stopped, f"see {server_log}")
started = [l for l in log.splitlines() if "sparkotel: native core" in l and " started in the " in l]
check("the server logs sparkotel's start line, once, for its driver", len(started) == 1 and "driver" in started[0],
      [l for l in log.splitlines() if "sparkotel" in l][:3])

procs = otlp.read(out) if os.path.exists(out) else {}
by_exec = {p.resource.get("spark.executor.id"): p for p in procs.values()}
check("resources for the driver and both executors", {"driver", "0", "1"} <= set(by_exec), f"got {sorted(by_exec)}")
for ex in ("driver", "0", "1"):
    p = by_exec.get(ex)
    check(f"{ex}: its resource names the app and the executor",
          p is not None and app_id is not None and p.resource.get("spark.application.id") == app_id
          and p.resource.get("spark.executor.id") == ex, p and p.resource)
    samples = len(p.series("process.memory.usage")) if p else 0
    check(f"{ex}: process memory usage samples arrived", samples >= 5 and p.last("process.memory.usage") > 0,
          f"{samples} samples")
    failures = p.last("sparkotel.export.failures") if p else None
    check(f"{ex}: no export failed (sparkotel.export.failures)", failures == 0, str(failures))
    check(f"{ex}: the sink forwarded Spark's own metrics", p is not None and any(n.startswith("spark.") for n in p.names()),
          sorted(n for n in (p.names() if p else ()) if n.startswith("spark"))[:5])
for ex in ("0", "1"):
    p = by_exec.get(ex)
    done = p.last("sparkotel.spark.tasks.completed") if p else None
    check(f"executor {ex}: ran the Connect job's tasks (sparkotel.spark.tasks.completed > 0)", bool(done), str(done))
    py = max((pt.value for pt in p.series("sparkotel.children.count", sparkotel__child__kind="python")), default=0) if p else 0
    check(f"executor {ex}: the UDF's Python workers seen as python children", py >= 1, f"max {py}")
# Only 0 and 1: at the server's stop the Workers may try to replace the executors they lose.
logs = {ex: t for ex, t in cluster.executor_logs(spark_home, app_id).items() if ex in ("0", "1")}
check("both executors' logs carry sparkotel's start line",
      len(logs) == 2 and all("sparkotel: native core" in t and " started in the " in t for t in logs.values()),
      {ex: [l for l in t.splitlines() if "sparkotel" in l][:2] for ex, t in logs.items()})
# Neither an export failure while they ran nor a final export lost when they stopped.
failed = [l for t in [log, *logs.values()] for l in t.splitlines() if "cannot export" in l or "stop failed" in l]
check("no export failure in the server's or the executors' logs", not failed, failed[:2])
# local-cluster's Workers live in the server JVM and kill their executors from its shutdown
# hooks, possibly before Spark posts the application's end: that is the shutdown, not a death.
verdicts = [l for l in log.splitlines() if "sparkotel verdict:" in l]
check("stopping the server gives no verdict", not verdicts, verdicts[:1])

passed = sum(results)
print(f"connect [{label}]: evidence in {work}")
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
