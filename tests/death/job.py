"""A job that kills one executor on purpose, then finishes on Spark's retry.

Usage (by spark-submit): job.py MODE, MODE one of heap, direct, python, sleep. Partition 0's
first attempt dies (see Die.java, a Java UDF; python: its Python worker grows until the harness's watchdog
kills the container). Prints APP_ID= and RESULT=; waits a few seconds before stopping so the
driver's verdict, a grace window after the loss, is written.
"""
import sys
import time

from pyspark import TaskContext
from pyspark.sql import SparkSession

mode = sys.argv[1]
spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
print(f"APP_ID={sc.applicationId}", flush=True)
# A quiet warm-up: both executors up and sampled before anything dies.
sc.parallelize(range(8), 8).map(lambda x: x).count()
time.sleep(3)
sc.setJobDescription(f"deadly {mode}")


def grow_python(rows):
    ctx = TaskContext.get()
    if ctx.partitionId() == 0 and ctx.attemptNumber() == 0:
        held = []
        while True:  # until the watchdog ends the executor
            held.append(bytearray(b"x" * (32 << 20)))
            time.sleep(0.1)
    return rows


if mode == "python":
    n = sc.parallelize(range(4), 4).mapPartitions(grow_python).count()
else:
    spark.udf.registerJavaFunction("die", "sparkotel.death.Die", "string")
    # collect(), not count(): a count would prune the unused column and never call die.
    n = len(spark.range(0, 4, 1, 4).selectExpr(f"die('{mode}', cast(id as string)) AS r").collect())
print(f"RESULT={'ok' if n == 4 else 'wrong'}", flush=True)
time.sleep(6)
spark.stop()
