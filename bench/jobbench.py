#!/usr/bin/env python3
"""Whole-job overhead, side by side in one run: A no instrumentation, B sparkotel at 1 s,
C sparkotel at 100 ms, D the OpenTelemetry Java agent (metrics only, OTLP to the same
collector), interleaved A B C D A B C D ... on local-cluster[2,1,1024]. Executor CPU, RSS,
threads and start-up are read from /proc by this harness (procwatch), not by sparkotel.

Usage: jobbench.py JAR COLLECTOR AGENT_JAR ROUNDS OUT_JSON (with the python of a pyspark venv)
"""
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

import pyspark

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import cluster  # noqa: E402
import procwatch  # noqa: E402

jar, collector_bin, agent, rounds, out_json = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
spark_home = os.path.dirname(os.path.abspath(pyspark.__file__))
exec_log4j = os.path.join(HERE, "log4j2-executor.properties")


def configs(endpoint):
    ours = lambda interval: {"--jars": jar, "spark.plugins": cluster.PLUGIN,
                             "spark.metrics.conf.*.sink.otel.endpoint": endpoint,
                             "spark.metrics.conf.*.sink.otel.interval": interval}
    agent_opts = (f"-javaagent:{agent} -Dotel.traces.exporter=none -Dotel.logs.exporter=none "
                  f"-Dotel.metrics.exporter=otlp -Dotel.exporter.otlp.protocol=grpc "
                  f"-Dotel.exporter.otlp.endpoint={endpoint} -Dotel.metric.export.interval=1000 "
                  f"-Dotel.service.name=spark-bench")
    return {"A none": {}, "B sparkotel 1s": ours("1s"), "C sparkotel 100ms": ours("100ms"),
            "D otel java agent": {"agent": agent_opts}}


def run(conf):
    agent_opts = conf.get("agent", "")
    cmd = [os.path.join(spark_home, "bin", "spark-submit"), "--master", "local-cluster[2,1,1024]"]
    if "--jars" in conf:
        cmd += ["--jars", conf["--jars"]]
    settings = {"spark.ui.enabled": "false", "spark.executor.memory": "900m", "spark.sql.shuffle.partitions": "8",
                # A heap fully committed and touched at start (-Xms = -Xmx): its RSS is then the same
                # in every configuration, and differences in executor RSS are what was added, not
                # how far each run's heap happened to grow.
                "spark.executor.extraJavaOptions": f"-Xms900m -XX:+AlwaysPreTouch -Dlog4j2.configurationFile={exec_log4j} {agent_opts}".strip(),
                "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={ROOT}/tests/spark/log4j2.properties {agent_opts}".strip()}
    settings.update({k: v for k, v in conf.items() if k.startswith("spark.")})
    for k, v in settings.items():
        cmd += ["--conf", f"{k}={v}"]
    cmd.append(os.path.join(HERE, "workload.py"))
    env = dict(os.environ, SPARK_HOME=spark_home, SPARK_LOCAL_IP="127.0.0.1")
    col_cpu = procwatch.cpu_seconds(col.proc.pid)
    with procwatch.Watch() as w:
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    col_cpu = procwatch.cpu_seconds(col.proc.pid) - col_cpu
    if p.returncode != 0 or cluster.field(p.stdout, "RESULT") != "ok":
        raise RuntimeError(f"benchmark run failed:\n{p.stdout[-3000:]}")
    s = w.summary()
    s["collector_cpu_s"] = col_cpu  # what receiving our exports cost the (shared) machine
    s["sql_s"], s["tiny_s"] = float(cluster.field(p.stdout, "SQL_S")), float(cluster.field(p.stdout, "TINY_S"))
    app = cluster.field(p.stdout, "APP_ID")
    s["startup_ms"] = startup_ms(app, s.pop("starts"))
    s["plugin_init_ms"] = plugin_init_ms(app)
    s["ready_ms"] = ready_ms(app)
    s["own_init_ms"] = own_init_ms(app)
    # Spark copying the jar from the driver (--jars): part of start-up, none when the jar is in the image.
    s["jar_fetch_ms"] = mean_gap(app, "Fetching spark://.*sparkotel", "Adding file:.*sparkotel.* to class loader")
    return s


def log_time(text, pattern):
    m = re.search(r"^(\d\d:\d\d:\d\d\.\d\d\d) .*" + pattern, text, re.M)
    return datetime.datetime.strptime(m.group(1), "%H:%M:%S.%f") if m else None


def plugin_init_ms(app):
    """What sparkotel's init holds Spark's executor thread for, from each executor's own log:
    the plugin container starts right after Spark adds the fetched --jars to the class loader
    and logs "Initialized executor component" when our init returns. 0 without sparkotel.
    (Fetching the jar comes before, and is in the start-up column.)"""
    return mean_gap(app, "Adding file:.*sparkotel.* to class loader", "Initialized executor component for plugin io.sparkotel")


def ready_ms(app):
    """When sparkotel's core is up and sampling (its start line, logged from its own thread
    after extracting and loading the library), counted from the same point. 0 without it."""
    return mean_gap(app, "Adding file:.*sparkotel.* to class loader", "sparkotel: native core .* started")


def own_init_ms(app):
    """What our init code itself took on Spark's thread, as its start line reports it (the
    rest of the span above is Spark's plugin container and the loading of the plugin class)."""
    vals = []
    for text in cluster.executor_logs(spark_home, app).values():
        m = re.search(r"the thread that asked spent ([0-9.]+) ms on it", text)
        vals.append(float(m.group(1)) if m else 0.0)
    return statistics.mean(vals) if vals else float("nan")


def mean_gap(app, begin_pattern, end_pattern):
    lats = []
    for text in cluster.executor_logs(spark_home, app).values():
        begin, end = log_time(text, begin_pattern), log_time(text, end_pattern)
        lats.append((end - begin).total_seconds() * 1000 if begin and end else 0.0)
    return statistics.mean(lats) if lats else float("nan")


def startup_ms(app, starts):
    """Executor process start to the end of plugin init (Executor's constructor), averaged over
    the executors, from their logs: plugins are initialized right after the executor's
    "repl class loader" line, and Spark logs "Initialized executor component" after each
    plugin (A and D have no plugin: the class loader line is the end)."""
    lats = []
    for i, (ex, text) in enumerate(sorted(cluster.executor_logs(spark_home, app).items())):
        marks = re.findall(r"^(\d\d:\d\d:\d\d\.\d\d\d) .*(?:repl class loader|Initialized executor component)", text, re.M)
        if marks and i < len(starts):
            day = datetime.datetime.fromtimestamp(starts[i]).date()
            t = datetime.datetime.combine(day, datetime.datetime.strptime(marks[-1], "%H:%M:%S.%f").time()).timestamp()
            lats.append((t - starts[i]) * 1000)
    return statistics.mean(lats) if lats else float("nan")


results = {}
with open(os.devnull, "w") as devnull:
    col = cluster.Collector(collector_bin, os.path.join(ROOT, "build", "bench-received.jsonl"), devnull)
    try:
        cfgs = configs(f"http://127.0.0.1:{col.port}")
        for r in range(rounds):
            for name, conf in cfgs.items():
                res = run(conf)
                results.setdefault(name, []).append(res)
                print(f"round {r + 1}/{rounds} {name}: " + ", ".join(f"{k}={v:.1f}" for k, v in res.items()), flush=True)
    finally:
        col.stop()
        try:
            os.remove(os.path.join(ROOT, "build", "bench-received.jsonl"))
        except OSError:
            pass
json.dump(results, open(out_json, "w"), indent=1)
