"""A job of a few seconds, shorter than a metrics sink's default period (10 s): its Spark metrics
can only reach the collector in the sink's final report at stop.

Run by spark-submit. Prints APP_ID=, SECONDS= (the session's life, start to stop) and RESULT=ok|wrong.
"""
import time

from pyspark.sql import SparkSession

began = time.time()
spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
print(f"APP_ID={sc.applicationId}", flush=True)
n = sc.parallelize(range(8), 8).map(lambda x: (time.sleep(1), x)[1]).sum()
print(f"RESULT={'ok' if n == 28 else 'wrong'}", flush=True)
spark.stop()
print(f"SECONDS={time.time() - began:.1f}", flush=True)
