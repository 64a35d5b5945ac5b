"""The reference workload of the whole-job benchmark: a shuffle-heavy SQL job, then a job of
2,000 tiny tasks. JVM-only (no Python UDFs), so the JVMs' cost is what is measured.
Prints SQL_S= and TINY_S= (wall seconds of each) and RESULT=ok|wrong."""
import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
print(f"APP_ID={spark.sparkContext.applicationId}", flush=True)  # the harness finds executor logs by it
t = time.time()
n = (spark.range(0, 12_000_000, numPartitions=8).selectExpr("id % 200000 AS k", "id AS v")
     .join(spark.range(0, 200_000).selectExpr("id AS k", "id * 2 AS w"), "k")
     .groupBy("k").count().count())
sql_s = time.time() - t
t = time.time()
tiny = spark.range(0, 2000, 1, 2000).selectExpr("id").count()
tiny_s = time.time() - t
print(f"SQL_S={sql_s:.3f}", flush=True)
print(f"TINY_S={tiny_s:.3f}", flush=True)
print(f"RESULT={'ok' if n == 200_000 and tiny == 2000 else 'wrong'}", flush=True)
spark.stop()
