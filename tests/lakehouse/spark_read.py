#!/usr/bin/env python3
"""Reads Delta tables with Spark and delta-spark: prints a JSON object of each table's row count,
distinct (gen.id, service.instance.id, metric, attributes, time) count and named rows. Run with the python
of a venv holding pyspark (its package directory serves as SPARK_HOME).

Usage: spark_read.py JARS_DIR TABLE_PATH...
"""
import glob
import json
import os
import sys

import pyspark
from pyspark.sql import SparkSession

jars_dir, paths = sys.argv[1], sys.argv[2:]
os.environ.setdefault("SPARK_HOME", os.path.dirname(os.path.abspath(pyspark.__file__)))
spark = (SparkSession.builder.master("local[2]").appName("lakehouse-read")
         .config("spark.jars", ",".join(sorted(glob.glob(os.path.join(jars_dir, "*.jar")))))
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "1g").config("spark.sql.shuffle.partitions", "2")
         .config("spark.databricks.delta.snapshotPartitions", "2")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
out = {"spark": spark.version}
for p in paths:
    df = spark.read.format("delta").load(p)
    df.createOrReplaceTempView("t")
    row = spark.sql("""SELECT count(*) AS n,
        count(DISTINCT ResourceAttributes['gen.id'], ResourceAttributes['service.instance.id'], MetricName,
                       to_json(Attributes), TimeUnix) AS d,
        count(DISTINCT Date) AS dates, string(min(TimeUnix)) AS tmin, count(SparkApplicationName) AS named FROM t""").first()
    out[p] = {"rows": row.n, "distinct": row.d, "dates": row.dates, "min_time": row.tmin, "named": row.named,
              "time_type": dict(df.dtypes)["TimeUnix"]}
print(json.dumps(out))
spark.stop()
