-- The printed summary: per JVM, the peak of each memory family, when it was, and the stages the
-- JVM was running then (tasks active within 600 ms of the peak; none: "no stage").
WITH families AS (
  SELECT app_id, executor, t_ms, 1 AS ord, 'heap used' AS family, heap_used AS v FROM memory
  UNION ALL SELECT app_id, executor, t_ms, 2, 'heap committed', heap FROM memory
  UNION ALL SELECT app_id, executor, t_ms, 3, 'Spark execution', spark_execution FROM memory
  UNION ALL SELECT app_id, executor, t_ms, 4, 'non-heap', non_heap FROM memory
  UNION ALL SELECT app_id, executor, t_ms, 5, 'direct buffers', direct FROM memory
  UNION ALL SELECT app_id, executor, t_ms, 6, 'malloc in use', malloc_in_use FROM memory
  UNION ALL SELECT app_id, executor, t_ms, 7, 'process RSS', rss FROM memory
  UNION ALL SELECT app_id, executor, t_ms, 8, 'Python children', python FROM memory
), peaks AS (
  SELECT app_id, executor, ord, family, max(v) AS peak, max_by(t_ms, v) AS peak_ms
  FROM families WHERE v IS NOT NULL GROUP BY app_id, executor, ord, family
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
