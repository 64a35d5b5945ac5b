"""Turns what the collector received into the memory summary and a one-page HTML report.

Usage: report.py RECEIVED_JSONL EVENT_LOG_DIR OUT_HTML
Prints, per executor, the peak of each memory family and the stage running at the peak.
"""
import html
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e"))

import eventlog  # noqa: E402
import otlp  # noqa: E402

# (label, metric, attributes): the memory families a reader compares, in chart order.
FAMILIES = [
    ("heap used", "sparkotel.jvm.memory.area", {"jvm.memory.type": "heap", "sparkotel.jvm.memory.measure": "used"}),
    ("heap committed", "sparkotel.jvm.memory.area", {"jvm.memory.type": "heap", "sparkotel.jvm.memory.measure": "committed"}),
    ("Spark execution", "sparkotel.spark.memory.used", {"sparkotel.spark.memory.pool": "execution", "sparkotel.spark.memory.mode": "on_heap"}),
    ("Spark storage", "sparkotel.spark.memory.used", {"sparkotel.spark.memory.pool": "storage", "sparkotel.spark.memory.mode": "on_heap"}),
    ("process RSS", "process.memory.usage", {}),
    ("malloc in use", "sparkotel.malloc.memory", {"sparkotel.malloc.state": "in_use"}),
    ("Python children", "sparkotel.children.memory.usage", {"sparkotel.child.kind": "python"}),
    ("cgroup usage", "container.memory.usage", {}),
]


def series(proc, metric, attrs):
    return [(p.time_ns // 1_000_000, p.value) for p in proc.points
            if p.metric == metric and all(p.attrs.get(k) == v for k, v in attrs.items())]


def stages_at(proc, t_ms, stages):
    """Stages active in this JVM at t_ms: from its own stage-activity samples, else the event log."""
    near = [p for p in proc.points if p.metric == "sparkotel.spark.stage.tasks.active"
            and abs(p.time_ns // 1_000_000 - t_ms) <= 600 and p.value > 0]
    ids = sorted({int(p.attrs["spark.stage.id"]) for p in near})
    if not ids:
        ids = sorted(s.id for s in stages.values() if s.start_ms <= t_ms <= (s.end_ms or t_ms))
    return ids


def mb(v):
    return f"{v / 2**20:,.0f} MB"


def summarize(procs, stages):
    lines = []
    for ex, proc in sorted(procs.items(), key=lambda kv: (kv[0] != "driver", kv[0])):
        lines.append(f"executor {ex}" if ex != "driver" else "driver")
        for label, metric, attrs in FAMILIES:
            s = series(proc, metric, attrs)
            if not s:
                continue
            t, v = max(s, key=lambda tv: tv[1])
            ids = stages_at(proc, t, stages)
            running = ", ".join(f"stage {i} ({stages[i].description or stages[i].name})" if i in stages else f"stage {i}"
                                for i in ids) or "no stage"
            lines.append(f"  {label:<16} peak {mb(v):>10}  while {running}")
    return "\n".join(lines)


def build(received, event_dir, out_html):
    procs = {p.resource.get("spark.executor.id", "?"): p for p in otlp.read(received).values()}
    stages = eventlog.read(event_dir)
    data = {
        "executors": {ex: {label: series(p, m, a) for label, m, a in FAMILIES} for ex, p in procs.items()},
        "stages": [{"id": s.id, "name": s.name, "desc": s.description, "start": s.start_ms, "end": s.end_ms}
                   for s in sorted(stages.values(), key=lambda s: s.id) if s.start_ms],
        "app": next(iter(procs.values())).resource.get("spark.app.name", "") if procs else "",
    }
    summary = summarize(procs, stages)
    with open(os.path.join(HERE, "report.html.tmpl")) as f:
        page = f.read()
    page = page.replace("/*DATA*/null", json.dumps(data)).replace("<!--SUMMARY-->", html.escape(summary))
    with open(out_html, "w") as f:
        f.write(page)
    return summary


if __name__ == "__main__":
    print(build(*sys.argv[1:4]))
