"""The demo's second application, killed on purpose: the same skewed customers, grouped with
collect_list. Every event of the hot customer lands in one task's list, on the heap, and an
executor with a 512 MiB heap runs out of it; Spark's handler ends that executor (exit 52) and,
with spark.task.maxFailures=1, the job fails at once. The driver's sparkotel verdict says why.
"""
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
print(f"APP_ID={sc.applicationId}", flush=True)
# Both executors up and sampled before the heap fills.
sc.setJobDescription("warm-up")
sc.parallelize(range(8), 8).count()
time.sleep(2)

HOT, EVENTS = 12_000_000, 12_200_000
events = spark.range(0, EVENTS, numPartitions=8).selectExpr(
    f"CASE WHEN id < {HOT} THEN 0 ELSE id % 5000 + 1 END AS customer", "concat('event-', id) AS event")
sc.setJobDescription("collect_list per customer (skewed)")
try:
    events.groupBy("customer").agg(F.collect_list("event").alias("events")) \
        .selectExpr("customer", "size(events) AS n").write.format("noop").mode("overwrite").save()
    print("RESULT=survived", flush=True)
except Exception as e:  # the expected end: the job aborts on the lost executor
    print(f"RESULT=failed ({type(e).__name__})", flush=True)
time.sleep(6)  # the driver's verdict comes a grace window after the loss
spark.stop()
