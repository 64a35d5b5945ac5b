"""A Spark local[2] job with the sparkotel plugin: a shuffle and a join with a known answer.

Usage: smoke_job.py JAR METRICS_FILE [extra java options, for the driver and the executors]
Exports with the console exporter into METRICS_FILE (JSON lines). Prints RESULT=<n>; the
caller checks it, the logs and the metrics.
"""
import os
import sys

from pyspark.sql import SparkSession

jar, metrics = sys.argv[1], sys.argv[2]
extra = " ".join(sys.argv[3:])
here = os.path.dirname(os.path.abspath(__file__))
spark = (
    SparkSession.builder.master("local[2]")
    .appName("sparkotel-smoke")
    .config("spark.jars", jar)
    .config("spark.plugins", "io.sparkotel.plugin.SparkotelPlugin")
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")  # its bar shares lines with our output
    .config("spark.metrics.conf.*.sink.otel.exporter", "console")
    .config("spark.metrics.conf.*.sink.otel.console.path", metrics)
    .config("spark.metrics.conf.*.sink.otel.interval", "200ms")
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.driver.extraJavaOptions",
            f"-Dlog4j2.configurationFile={here}/log4j2.properties {extra}")
    # Executors' options too, though local[2] has none of its own: Spark refuses any that
    # contain "-Dspark" there, and our flags must pass that check to be usable on a cluster.
    .config("spark.executor.extraJavaOptions", extra)
    .getOrCreate()
)
a = spark.range(0, 200000).selectExpr("id % 1000 AS k", "id AS v")
b = spark.range(0, 1000).selectExpr("id AS k", "id * 2 AS w")
n = a.join(b, "k").groupBy("k").count().count()
print(f"RESULT={n}", flush=True)
spark.stop()
