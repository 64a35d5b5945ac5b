#!/usr/bin/env python3
"""make demo: the collector on localhost:4317 (sparkotel's default endpoint), the skewed JOIN
and its LEFT SEMI JOIN rewrite on local-cluster with two executors, then the per-executor
memory summary and build/demo/report.html.

Usage: run.py JAR COLLECTOR_BINARY (with the python of a venv holding pyspark)
"""
import os
import shutil
import sys

import pyspark

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import cluster  # noqa: E402
import report  # noqa: E402

jar, collector_bin = sys.argv[1:3]
spark_home = os.path.dirname(os.path.abspath(pyspark.__file__))
out_dir = os.path.join(ROOT, "build", "demo")
shutil.rmtree(out_dir, ignore_errors=True)
events = os.path.join(out_dir, "eventlog")
os.makedirs(events)
received = os.path.join(out_dir, "received.jsonl")

print(">> starting the OpenTelemetry Collector", flush=True)
with open(os.path.join(out_dir, "collector.log"), "w") as log:
    try:
        col = cluster.Collector(collector_bin, received, log, port=4317)
        endpoint = None  # sparkotel's default: localhost:4317
    except OSError:
        col = cluster.Collector(collector_bin, received, log)
        endpoint = f"http://127.0.0.1:{col.port}"
    print(f">> running the skewed JOIN, then the LEFT SEMI JOIN (Spark {pyspark.__version__}, 2 executors; about a minute)",
          flush=True)
    try:
        rc, output = cluster.submit(spark_home, jar, endpoint, os.path.join(HERE, "skew_join.py"), interval="250ms",
                                    extra=cluster.event_log(events))
    finally:
        col.stop()
open(os.path.join(out_dir, "spark-submit.log"), "w").write(output)
if rc != 0 or cluster.field(output, "RESULT") != "ok":
    print(f"the demo job failed (rc={rc}); see {out_dir}/spark-submit.log")
    sys.exit(1)
print()
print(report.build(received, events, os.path.join(out_dir, "report.html")))
print()
print(f"report: {os.path.join(out_dir, 'report.html')}  (one file; open it in any browser)")
