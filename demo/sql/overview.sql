-- The overview, one row per JVM, least headroom first: the peak footprint (RSS plus children)
-- against the nearest limit (the lower of the container budget and the cgroup's limit).
SELECT app_id, executor, max(footprint) AS peak_footprint, max(rss) AS peak_rss, max(heap_used) AS peak_heap_used,
       max(heap_max) AS heap_max, max(budget) AS budget, min(cgroup_limit) AS cgroup_limit,
       least(max(budget), min(cgroup_limit)) AS nearest_limit,
       least(max(budget), min(cgroup_limit)) - max(footprint) AS headroom,
       max(python) AS peak_python, max(direct) AS peak_direct, max(malloc) AS peak_malloc
FROM memory
GROUP BY app_id, executor
ORDER BY headroom IS NULL, headroom, peak_footprint DESC
