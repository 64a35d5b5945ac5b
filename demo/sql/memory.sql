-- One row per JVM sample: every memory family the report draws, in bytes, side by side.
-- Spark SQL that DuckDB also runs (demo/lake.py defines unix_millis for DuckDB). Reads the
-- deltalake exporter's tables otel_metrics_gauge and otel_metrics_sum (docs/lakehouse.md).
-- Every JVM stamps one collection's points with one time, so a sample is (JVM, TimeUnix).
-- Rows written before SparkApplicationName existed name their application by its id.
CREATE OR REPLACE TEMPORARY VIEW memory_points AS
SELECT SparkApplicationId, coalesce(SparkApplicationName, SparkApplicationId) AS app_name, SparkExecutorId,
       TimeUnix, MetricName, Attributes, Value
FROM otel_metrics_gauge
WHERE MetricName IN ('sparkotel.jvm.memory.area', 'sparkotel.malloc.memory', 'sparkotel.children.memory.usage',
                     'container.memory.usage', 'sparkotel.cgroup.memory.limit', 'sparkotel.container.memory.budget',
                     'sparkotel.spark.memory.used', 'sparkotel.spark.memory.storage.limit')
UNION ALL
SELECT SparkApplicationId, coalesce(SparkApplicationName, SparkApplicationId) AS app_name, SparkExecutorId,
       TimeUnix, MetricName, Attributes, Value
FROM otel_metrics_sum
WHERE MetricName IN ('process.memory.usage', 'jvm.buffer.memory.used');

CREATE OR REPLACE TEMPORARY VIEW memory_samples AS
SELECT SparkApplicationId AS app_id, max(app_name) AS app_name, SparkExecutorId AS executor,
       unix_millis(TimeUnix) AS t_ms,
       max(CASE WHEN MetricName = 'process.memory.usage' THEN Value END) AS rss,
       max(CASE WHEN MetricName = 'sparkotel.jvm.memory.area' AND Attributes['jvm.memory.type'] = 'heap'
                 AND Attributes['sparkotel.jvm.memory.measure'] = 'used' THEN Value END) AS heap_used,
       max(CASE WHEN MetricName = 'sparkotel.jvm.memory.area' AND Attributes['jvm.memory.type'] = 'heap'
                 AND Attributes['sparkotel.jvm.memory.measure'] = 'committed' THEN Value END) AS heap_committed,
       max(CASE WHEN MetricName = 'sparkotel.jvm.memory.area' AND Attributes['jvm.memory.type'] = 'heap'
                 AND Attributes['sparkotel.jvm.memory.measure'] = 'limit' THEN Value END) AS heap_max,
       max(CASE WHEN MetricName = 'sparkotel.jvm.memory.area' AND Attributes['jvm.memory.type'] = 'non_heap'
                 AND Attributes['sparkotel.jvm.memory.measure'] = 'committed' THEN Value END) AS non_heap,
       max(CASE WHEN MetricName = 'jvm.buffer.memory.used' AND Attributes['jvm.buffer.pool.name'] = 'direct'
                 THEN Value END) AS direct,
       max(CASE WHEN MetricName = 'sparkotel.malloc.memory' AND Attributes['sparkotel.malloc.state'] = 'in_use'
                 THEN Value END) AS malloc_in_use,
       sum(CASE WHEN MetricName = 'sparkotel.children.memory.usage' AND Attributes['sparkotel.child.kind'] = 'python'
                 THEN Value END) AS python,
       sum(CASE WHEN MetricName = 'sparkotel.children.memory.usage' AND Attributes['sparkotel.child.kind'] <> 'python'
                 THEN Value END) AS children_other,
       sum(CASE WHEN MetricName = 'sparkotel.spark.memory.used' AND Attributes['sparkotel.spark.memory.pool'] = 'execution'
                 AND Attributes['sparkotel.spark.memory.mode'] = 'on_heap' THEN Value END) AS spark_execution,
       sum(CASE WHEN MetricName = 'sparkotel.spark.memory.used' AND Attributes['sparkotel.spark.memory.pool'] = 'storage'
                 AND Attributes['sparkotel.spark.memory.mode'] = 'on_heap' THEN Value END) AS spark_storage,
       sum(CASE WHEN MetricName = 'sparkotel.spark.memory.used' AND Attributes['sparkotel.spark.memory.mode'] = 'off_heap'
                 THEN Value END) AS off_heap_used,
       -- the off-heap pool: what storage may take now plus what execution holds
       sum(CASE WHEN (MetricName = 'sparkotel.spark.memory.storage.limit'
                      OR (MetricName = 'sparkotel.spark.memory.used' AND Attributes['sparkotel.spark.memory.pool'] = 'execution'))
                 AND Attributes['sparkotel.spark.memory.mode'] = 'off_heap' THEN Value END) AS off_heap_pool,
       max(CASE WHEN MetricName = 'container.memory.usage' THEN Value END) AS cgroup_usage,
       max(CASE WHEN MetricName = 'sparkotel.cgroup.memory.limit' THEN Value END) AS cgroup_limit,
       max(CASE WHEN MetricName = 'sparkotel.container.memory.budget' THEN Value END) AS budget
FROM memory_points
GROUP BY SparkApplicationId, SparkExecutorId, unix_millis(TimeUnix);

-- The stacked parts of a JVM's footprint (its RSS plus its children's), each sample, with its
-- limits. malloc counts direct buffers too (the JVM mallocs them): only the rest is "malloc".
-- malloc is read at most every few samples and the budget once a second: the last reading
-- stands until the next (count() over time numbers the readings, max() within one spreads it).
-- heap_live: heap used where it fell since the sample before (a GC ran): about the live set.
-- Children count from their second sample on: a child just forked from the JVM shares the
-- JVM's pages until it execs, and the kernel counts them in both RSSs for that moment.
CREATE OR REPLACE TEMPORARY VIEW memory AS
WITH numbered AS (
  SELECT *, count(malloc_in_use) OVER (PARTITION BY app_id, executor ORDER BY t_ms) AS malloc_reading,
         CASE WHEN heap_used < lag(heap_used) OVER (PARTITION BY app_id, executor ORDER BY t_ms)
              THEN heap_used END AS heap_live,
         least(coalesce(python, 0),
               coalesce(lead(python) OVER (PARTITION BY app_id, executor ORDER BY t_ms), python, 0)) AS python_settled,
         least(coalesce(children_other, 0),
               coalesce(lead(children_other) OVER (PARTITION BY app_id, executor ORDER BY t_ms), children_other, 0))
           AS other_settled
  FROM memory_samples WHERE rss IS NOT NULL
), filled AS (
  SELECT app_id, app_name, executor, t_ms, rss, heap_used, heap_committed, non_heap, heap_live, spark_execution,
         spark_storage, off_heap_used, off_heap_pool, cgroup_usage,
         coalesce(direct, 0) AS direct,
         python_settled AS python, other_settled AS children_other,
         max(malloc_in_use) OVER (PARTITION BY app_id, executor, malloc_reading) AS malloc_in_use,
         max(heap_max) OVER (PARTITION BY app_id, executor) AS heap_max,
         max(budget) OVER (PARTITION BY app_id, executor) AS budget,
         min(cgroup_limit) OVER (PARTITION BY app_id, executor) AS cgroup_limit
  FROM numbered
)
SELECT app_id, app_name, executor, t_ms, rss, heap_used, heap_live, spark_execution, spark_storage, off_heap_used,
       off_heap_pool, cgroup_usage, heap_max, budget, cgroup_limit, malloc_in_use, python, children_other,
       coalesce(heap_committed, 0) AS heap,
       coalesce(non_heap, 0) AS non_heap,
       direct,
       greatest(coalesce(malloc_in_use, 0) - direct, 0) AS malloc,
       python + children_other AS children,
       greatest(rss - coalesce(heap_committed, 0) - coalesce(non_heap, 0) - direct
                - greatest(coalesce(malloc_in_use, 0) - direct, 0), 0) AS unaccounted,
       rss + python + children_other AS footprint
FROM filled;
