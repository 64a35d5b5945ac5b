-- The per-JVM charts: every sample's stacked parts and limits (the memory view, memory.sql).
SELECT app_id, app_name, executor, t_ms, heap, non_heap, direct, malloc, children, unaccounted, rss, footprint,
       heap_used, spark_execution, heap_max, budget, cgroup_limit
FROM memory
ORDER BY app_id, executor, t_ms
