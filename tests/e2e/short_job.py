"""A job of a few seconds, shorter than a metrics sink's default period (10 s): its Spark metrics
can only reach the collector in the sink's final report at stop.

Run by spark-submit. Prints APP_ID=, RESULT=ok|wrong, SECONDS= (from the SparkContext being up,
its sinks started a moment before, to its stop) and STOP_SECONDS=.
"""
import time

from pyspark import SparkContext

sc = SparkContext.getOrCreate()
up = time.time()
print(f"APP_ID={sc.applicationId}", flush=True)
n = sc.parallelize(range(8), 8).map(lambda x: (time.sleep(0.25), x)[1]).sum()
print(f"RESULT={'ok' if n == 28 else 'wrong'}", flush=True)
stopping = time.time()
sc.stop()
print(f"SECONDS={time.time() - up:.1f}", flush=True)
print(f"STOP_SECONDS={time.time() - stopping:.1f}", flush=True)
