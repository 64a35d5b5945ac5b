-- Sizing across runs: per application name (every run of it in the table, every executor),
-- each component a setting pays for, its peak and its 95th percentile over all samples, and
-- the settings in force as observed. demo/advise.py turns these into a spark-submit diff.
--   heap_live: heap used where a GC lowered it (the live set)    -> spark.executor.memory
--   native:    RSS - heap committed - Spark off-heap in use, plus non-Python children
--                                                                  -> spark.executor.memoryOverhead
--   off_heap:  Spark's off-heap execution + storage in use        -> spark.memory.offHeap.size
--   python:    PySpark workers' RSS                               -> spark.executor.pyspark.memory
WITH parts AS (
  SELECT app_name, app_id, executor, heap_live, heap_used, heap_max, budget, off_heap_pool,
         rss - heap - coalesce(off_heap_used, 0) + children_other AS native,
         coalesce(off_heap_used, 0) AS off_heap, python
  FROM memory WHERE executor <> 'driver'
)
SELECT app_name,
       count(DISTINCT app_id) AS runs, count(DISTINCT concat(app_id, '/', executor)) AS executors,
       max(heap_live) AS heap_live_peak, percentile_cont(0.95) WITHIN GROUP (ORDER BY heap_live) AS heap_live_p95,
       max(heap_used) AS heap_used_peak,
       max(native) AS native_peak, percentile_cont(0.95) WITHIN GROUP (ORDER BY native) AS native_p95,
       max(off_heap) AS off_heap_peak, percentile_cont(0.95) WITHIN GROUP (ORDER BY off_heap) AS off_heap_p95,
       max(python) AS python_peak, percentile_cont(0.95) WITHIN GROUP (ORDER BY python) AS python_p95,
       max(heap_max) AS heap_max, max(budget) AS budget, max(off_heap_pool) AS off_heap_pool
FROM parts
GROUP BY app_name
ORDER BY app_name
