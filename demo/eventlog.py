"""Stage intervals from a Spark event log: the bands under the memory charts."""
import json
import os
from dataclasses import dataclass


@dataclass
class Stage:
    id: int
    name: str
    description: str  # the job description (sc.setJobDescription), "" when none
    start_ms: int
    end_ms: int
    app_id: str = ""  # the application's id (its SparkListenerApplicationStart)


def read(log_dir):
    """Stages of every application logged in log_dir, by id, with submit and completion times
    (several applications: ids collide; read one application's log at a time)."""
    stages = {}
    # Spark 4 rolls event logs into eventlog_v2_<app>/events_<n>_<app> by default: walk.
    paths = sorted(os.path.join(d, f) for d, _, files in os.walk(log_dir) for f in files
                   if not f.startswith(("appstatus", ".")))
    for path in paths:
        app_id = ""
        with open(path, errors="replace") as f:
            for line in f:
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(ev, dict):
                    continue
                kind = ev.get("Event")
                if kind == "SparkListenerApplicationStart":
                    app_id = ev.get("App ID", "")
                if kind not in ("SparkListenerStageSubmitted", "SparkListenerStageCompleted"):
                    continue
                info = ev["Stage Info"]
                sid = info["Stage ID"]
                desc = (ev.get("Properties") or {}).get("spark.job.description", "")
                s = stages.get(sid) or Stage(sid, info.get("Stage Name", ""), desc, 0, 0)
                s.description = s.description or desc
                s.start_ms = info.get("Submission Time") or s.start_ms
                s.end_ms = info.get("Completion Time") or s.end_ms
                s.app_id = s.app_id or app_id
                stages[sid] = s
    return stages
