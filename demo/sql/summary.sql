-- The printed summary: per JVM, the peak of each memory family, when it was, and the stages the
-- JVM was running then (tasks active within 600 ms of the peak; none: "no stage").
-- One pass over memory finds every family's peak; the families are then one row each (reading
-- memory once per family would compute the view, and scan the tables, eight times).
WITH wide AS (
  SELECT app_id, executor,
         max(heap_used) AS p1, max_by(t_ms, heap_used) AS t1,
         max(heap) AS p2, max_by(t_ms, heap) AS t2,
         max(spark_execution) AS p3, max_by(t_ms, spark_execution) AS t3,
         max(non_heap) AS p4, max_by(t_ms, non_heap) AS t4,
         max(direct) AS p5, max_by(t_ms, direct) AS t5,
         max(malloc_in_use) AS p6, max_by(t_ms, malloc_in_use) AS t6,
         max(rss) AS p7, max_by(t_ms, rss) AS t7,
         max(python) AS p8, max_by(t_ms, python) AS t8
  FROM memory GROUP BY app_id, executor
), families AS (
  SELECT 1 AS ord, 'heap used' AS family
  UNION ALL SELECT 2, 'heap committed'
  UNION ALL SELECT 3, 'Spark execution'
  UNION ALL SELECT 4, 'non-heap'
  UNION ALL SELECT 5, 'direct buffers'
  UNION ALL SELECT 6, 'malloc in use'
  UNION ALL SELECT 7, 'process RSS'
  UNION ALL SELECT 8, 'Python children'
), all_peaks AS (
  SELECT w.app_id, w.executor, f.ord, f.family,
         CASE f.ord WHEN 1 THEN p1 WHEN 2 THEN p2 WHEN 3 THEN p3 WHEN 4 THEN p4
                    WHEN 5 THEN p5 WHEN 6 THEN p6 WHEN 7 THEN p7 ELSE p8 END AS peak,
         CASE f.ord WHEN 1 THEN t1 WHEN 2 THEN t2 WHEN 3 THEN t3 WHEN 4 THEN t4
                    WHEN 5 THEN t5 WHEN 6 THEN t6 WHEN 7 THEN t7 ELSE t8 END AS peak_ms
  FROM wide w CROSS JOIN families f
), peaks AS (
  SELECT * FROM all_peaks WHERE peak IS NOT NULL
), active AS (
  SELECT DISTINCT SparkApplicationId AS app_id, SparkExecutorId AS executor, unix_millis(TimeUnix) AS t_ms,
         CAST(Attributes['spark.stage.id'] AS INT) AS stage_id
  FROM otel_metrics_gauge WHERE MetricName = 'sparkotel.spark.stage.tasks.active' AND Value > 0
)
SELECT DISTINCT p.app_id, p.executor, p.ord, p.family, p.peak, p.peak_ms, a.stage_id, s.name AS stage_name,
       s.description AS stage_description
FROM peaks p
LEFT JOIN active a ON a.app_id = p.app_id AND a.executor = p.executor AND abs(a.t_ms - p.peak_ms) <= 600
LEFT JOIN spark_stages s ON s.app_id = p.app_id AND s.stage_id = a.stage_id
ORDER BY p.app_id, p.executor, p.ord, a.stage_id
