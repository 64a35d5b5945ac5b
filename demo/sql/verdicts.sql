-- Executors lost while the application ran, by the cause the driver's verdict gave
-- (sparkotel.executor.lost, a counter on the driver; docs/diagnosis.md).
SELECT SparkApplicationId AS app_id, Attributes['sparkotel.loss.cause'] AS cause, max(Value) AS lost
FROM otel_metrics_sum
WHERE MetricName = 'sparkotel.executor.lost' AND SparkExecutorId = 'driver'
GROUP BY SparkApplicationId, Attributes['sparkotel.loss.cause']
HAVING max(Value) > 0
ORDER BY app_id, lost DESC
