#!/usr/bin/env python3
"""OTLP over HTTP end to end: the real Collector with only its OTLP/HTTP receiver
(collector/config-http.yaml) and real Spark jobs with protocol=http/protobuf, asserting on what
the collector received. Two runs: the protocol key with a base endpoint (a driver and one
executor JVM), then the standard OTEL_EXPORTER_OTLP_PROTOCOL / _ENDPOINT variables alone.

Usage: protocols.py JAR COLLECTOR_BINARY LABEL, with the python of a venv holding pyspark.
Ends with 'N passed, N failed'; exits non-zero on any failure.
"""
import os
import subprocess
import sys
import tempfile

import pyspark

import cluster
import otlp

jar, collector_bin, label = sys.argv[1:4]
spark_home = os.path.dirname(os.path.abspath(pyspark.__file__))
work = tempfile.mkdtemp(prefix=f"sparkotel-protocols-{label}-")
job = os.path.join(cluster.HERE, "short_job.py")
KEY = "spark.metrics.conf.*.sink.otel."
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"  {'PASS' if ok else 'FAIL'} [{label}] {name}" + ("" if ok else f": {detail}"), flush=True)


def http_collector(out, log):
    """The real collector listening for OTLP/HTTP only, on a free loopback port."""
    port = cluster.free_port()
    env = dict(os.environ, SPARKOTEL_OTLP_PORT=str(port), SPARKOTEL_OUT=out)
    proc = subprocess.Popen([collector_bin, "--config", os.path.join(cluster.ROOT, "collector", "config-http.yaml")],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    cluster.wait_port(port)
    return proc, port


def run(name, master, extra=(), env=None, endpoint=True):
    """Runs the short job against a fresh HTTP collector; returns (rc, output, JVMs by executor id)."""
    out = os.path.join(work, f"{name}.jsonl")
    saved = dict(os.environ)
    with open(os.path.join(work, f"collector-{name}.log"), "w") as clog:
        proc, port = http_collector(out, clog)
        try:
            os.environ.update({k: v.format(port=port) for k, v in (env or {}).items()})
            rc, output = cluster.submit(spark_home, jar, f"http://127.0.0.1:{port}" if endpoint else None, job,
                                        master=master, extra=[(k, v.format(port=port)) for k, v in extra])
        finally:
            os.environ.clear()
            os.environ.update(saved)
            proc.terminate()
            proc.wait(15)
    open(os.path.join(work, f"submit-{name}.log"), "w").write(output)
    procs = otlp.read(out) if os.path.exists(out) else {}
    return rc, output, {p.resource.get("spark.executor.id"): p for p in procs.values()}


def check_jvm(run_name, ex, p, app_id):
    names = p.names() if p else set()
    check(f"{run_name}: {ex}: memory samples arrived over HTTP", {"process.memory.usage", "sparkotel.jvm.memory.area"} <= names
          and len(p.series("process.memory.usage")) >= 3, sorted(names)[:6])
    failures = p.last("sparkotel.export.failures") if p else None
    check(f"{run_name}: {ex}: no export failed (sparkotel.export.failures)", failures == 0, str(failures))
    check(f"{run_name}: {ex}: its resource names the app", p is not None and p.resource.get("spark.application.id") == app_id,
          p and p.resource)


# ---- the protocol key, a base endpoint: a driver and an executor JVM ----------------------
print(f">> protocols [{label}]: protocol=http/protobuf, local-cluster[1,1,1024]", flush=True)
rc, output, by_exec = run("key", "local-cluster[1,1,1024]", extra=[(KEY + "protocol", "http/protobuf")])
app_id = cluster.field(output, "APP_ID")
check("key: the job succeeds", rc == 0 and cluster.field(output, "RESULT") == "ok", f"rc={rc}, see {work}/submit-key.log")
check("key: the driver's and the executor's metrics arrived", {"driver", "0"} <= set(by_exec), f"got {sorted(by_exec)}")
for ex in ("driver", "0"):
    check_jvm("key", ex, by_exec.get(ex), app_id)
driver = by_exec.get("driver")
check("key: the sink's Spark metrics arrived (the final report at stop)",
      driver is not None and any(n.startswith("spark.block_manager.") for n in driver.names()),
      sorted(n for n in (driver.names() if driver else ()) if n.startswith("spark."))[:5])
check("key: the driver logged no export failure", "cannot export metrics" not in output,
      [l for l in output.splitlines() if "cannot export" in l][:2])

# ---- the standard variables alone: the generic endpoint is a base, /v1/metrics appended ----
print(f">> protocols [{label}]: OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, local[2]", flush=True)
rc, output, by_exec = run("env", "local[2]", endpoint=False,
                          env={"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:{port}"})
check("env: the job succeeds", rc == 0 and cluster.field(output, "RESULT") == "ok", f"rc={rc}, see {work}/submit-env.log")
check_jvm("env", "driver", by_exec.get("driver"), cluster.field(output, "APP_ID"))

passed = sum(results)
print(f"protocols [{label}]: evidence in {work}")
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
