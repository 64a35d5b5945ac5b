#!/usr/bin/env python3
"""The report's SQL (demo/sql/*.sql) on Spark, for a lake that has outgrown one machine: the
same files DuckDB runs in demo/lake.py, over the deltalake exporter's tables read by delta-spark.
Prints each query's rows as JSON lines ({"query": name, ...row}).

Usage (a python with pyspark; delta-spark's jars in JARS_DIR, or --packages in your cluster):
  spark_report.py JARS_DIR LAKE_PATH [EVENT_LOG_DIR] [QUERY...]   (default: summary overview verdicts advice)
"""
import glob
import json
import os
import sys

import pyspark
from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import eventlog  # noqa: E402
from lake import sql, statements  # noqa: E402  (the SQL files; DuckDB is not needed here)

jars_dir, lake = sys.argv[1], sys.argv[2]
event_dir = sys.argv[3] if len(sys.argv) > 3 and os.path.isdir(sys.argv[3]) else None
queries = [q for q in sys.argv[3:] if q != event_dir] or ["summary", "overview", "verdicts", "advice"]
os.environ.setdefault("SPARK_HOME", os.path.dirname(os.path.abspath(pyspark.__file__)))
spark = (SparkSession.builder.appName("sparkotel-report")
         .config("spark.jars", ",".join(sorted(glob.glob(os.path.join(jars_dir, "*.jar")))))
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.showConsoleProgress", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
for t in ("otel_metrics_gauge", "otel_metrics_sum"):
    spark.read.format("delta").load(os.path.join(lake, t)).createOrReplaceTempView(t)
stages = [(s.app_id, s.id, s.name, s.description, s.start_ms, s.end_ms or None)
          for s in (eventlog.read(event_dir) if event_dir else {}).values() if s.start_ms]
spark.createDataFrame(stages, "app_id STRING, stage_id INT, name STRING, description STRING, start_ms BIGINT, end_ms BIGINT") \
    .createOrReplaceTempView("spark_stages")
for st in statements(sql("memory")):
    spark.sql(st)
for q in queries:
    for row in spark.sql(sql(q)).collect():
        print(json.dumps({"query": q, **row.asDict()}, default=str))
spark.stop()
