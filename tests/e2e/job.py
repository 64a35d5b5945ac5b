"""The end-to-end workload: Python workers, shuffles and a sort-merge join with a known answer.

Run by spark-submit (configuration comes from its --conf flags). Prints APP_ID=, STAGES= and
RESULT=ok|wrong so the harness can check the job and line stages up with the metrics.
"""
import json

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

N, K = 8_000_000, 40_000  # N divisible by K: every key has N/K rows

spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
print(f"APP_ID={sc.applicationId}", flush=True)

# Python workers under each executor (the children probe sees them).
doubled = sc.parallelize(range(100_000), 4).map(lambda x: x * 2).sum()

a = spark.range(0, N, numPartitions=8).selectExpr(f"id % {K} AS k", "id AS v")
b = spark.range(0, K, numPartitions=4).selectExpr("id AS k", "id * 3 AS w")
rows = (a.join(b, "k").groupBy((F.col("k") % 100).alias("g"))
        .agg(F.sum("w").alias("s")).orderBy("g").collect())
got = {r["g"]: r["s"] for r in rows}
want = {}
for k in range(K):
    want[k % 100] = want.get(k % 100, 0) + 3 * k * (N // K)

ok = got == want and doubled == 2 * sum(range(100_000))
status = sc.statusTracker()
stages = sorted({s for j in status.getJobIdsForGroup() for s in (status.getJobInfo(j).stageIds if status.getJobInfo(j) else [])})
print(f"STAGES={json.dumps(stages)}", flush=True)
print(f"RESULT={'ok' if ok else 'wrong'}", flush=True)
spark.stop()
