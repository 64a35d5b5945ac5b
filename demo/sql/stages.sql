-- Stage bands. Per JVM: when it ran tasks of each stage (sparkotel.spark.stage.tasks.active);
-- per application: each stage from submission to completion (spark_stages, from the event log,
-- which also gives the job description). executor is NULL for the application-wide rows.
WITH active AS (
  SELECT SparkApplicationId AS app_id, SparkExecutorId AS executor,
         CAST(Attributes['spark.stage.id'] AS INT) AS stage_id,
         min(unix_millis(TimeUnix)) AS start_ms, max(unix_millis(TimeUnix)) AS end_ms
  FROM otel_metrics_gauge
  WHERE MetricName = 'sparkotel.spark.stage.tasks.active' AND Value > 0
  GROUP BY SparkApplicationId, SparkExecutorId, CAST(Attributes['spark.stage.id'] AS INT)
)
SELECT a.app_id, a.executor, a.stage_id, a.start_ms, a.end_ms, s.name, s.description
FROM active a LEFT JOIN spark_stages s ON s.app_id = a.app_id AND s.stage_id = a.stage_id
UNION ALL
SELECT app_id, CAST(NULL AS STRING) AS executor, stage_id, start_ms, end_ms, name, description
FROM spark_stages
ORDER BY app_id, executor, stage_id
