#!/usr/bin/env python3
"""make demo: the collector on localhost:4317 (sparkotel's default endpoint) writing Delta tables
(collector/config-demo.yaml), the skewed JOIN and its LEFT SEMI JOIN rewrite on local-cluster
with two executors, then a second application whose executor runs out of heap on purpose
(demo/oom_collect.py), then the per-executor memory summary, build/demo/report.html, the sizing
advice and the drivers' verdicts, all computed by SQL over the tables (demo/sql/*.sql, DuckDB's
delta_scan) but the verdict lines, which come from the driver's log.

Usage: run.py JAR COLLECTOR_BINARY LAKE_PYTHON (with the python of a venv holding pyspark;
LAKE_PYTHON is the reader venv's, with duckdb and its delta extension)
"""
import os
import shutil
import subprocess
import sys

import pyspark

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import cluster  # noqa: E402

jar, collector_bin, lake_py = sys.argv[1:4]
spark_home = os.path.dirname(os.path.abspath(pyspark.__file__))
out_dir = os.path.join(ROOT, "build", "demo")
shutil.rmtree(out_dir, ignore_errors=True)
events = os.path.join(out_dir, "eventlog")
lake = os.path.join(out_dir, "lake")
os.makedirs(events)


class DeltaCollector(cluster.Collector):
    """The same collector binary with the deltalake exporter writing the tables under lake."""

    def __init__(self, binary, lake, log, port=None):
        if port is not None:
            import socket
            with socket.socket() as s:  # taken: OSError, the caller picks another
                s.bind(("127.0.0.1", port))
        self.port = port or cluster.free_port()
        env = dict(os.environ, SPARKOTEL_OTLP_PORT=str(self.port), SPARKOTEL_LAKE=lake)
        self.proc = subprocess.Popen([binary, "--config", os.path.join(ROOT, "collector", "config-demo.yaml")],
                                     env=env, stdout=log, stderr=subprocess.STDOUT)
        cluster.wait_port(self.port)


print(f">> starting the OpenTelemetry Collector, writing Delta tables to {lake}", flush=True)
with open(os.path.join(out_dir, "collector.log"), "w") as log:
    try:
        col = DeltaCollector(collector_bin, lake, log, port=4317)
        endpoint = None  # sparkotel's default: localhost:4317
    except OSError:
        col = DeltaCollector(collector_bin, lake, log)
        endpoint = f"http://127.0.0.1:{col.port}"
    print(f">> running the skewed JOIN, then the LEFT SEMI JOIN (Spark {pyspark.__version__}, 2 executors; about a minute)",
          flush=True)
    try:
        rc, output = cluster.submit(spark_home, jar, endpoint, os.path.join(HERE, "skew_join.py"), interval="250ms",
                                    extra=cluster.event_log(events))
        open(os.path.join(out_dir, "spark-submit.log"), "w").write(output)
        if rc != 0 or cluster.field(output, "RESULT") != "ok":
            print(f"the demo job failed (rc={rc}); see {out_dir}/spark-submit.log")
            sys.exit(1)
        print(">> running a collect_list over the skewed customer with 512 MiB executor heaps: an executor "
              "runs out of heap on purpose, for the verdict (about a minute)", flush=True)
        rc, killed = cluster.submit(spark_home, jar, endpoint, os.path.join(HERE, "oom_collect.py"), interval="250ms",
                                    extra={**cluster.event_log(events), "spark.executor.memory": "512m",
                                           "spark.task.maxFailures": "1"})
        open(os.path.join(out_dir, "spark-submit-oom.log"), "w").write(killed)
    finally:
        col.stop()  # drains its queue: the last batch is committed before it exits
verdicts = os.path.join(out_dir, "verdicts.log")
with open(verdicts, "w") as f:  # the drivers' verdicts for lost executors (the second run's on purpose)
    f.writelines(line + "\n" for line in (output + killed).splitlines() if "sparkotel verdict:" in line)
if "sparkotel verdict:" not in killed:
    print(f"the run killed on purpose gave no verdict (rc={rc}); see {out_dir}/spark-submit-oom.log")
print()
report_html = os.path.join(out_dir, "report.html")
rc = subprocess.call([lake_py, os.path.join(HERE, "report.py"), lake, events, report_html, verdicts])
if rc != 0:
    sys.exit(rc)
print()
print(f"report: {report_html}  (one file; open it in any browser)")
print(f"tables: {lake}  (sizing advice again: {lake_py} demo/advise.py {lake})")
