"""Reads what the collector's otlpjsonfile exporter wrote: OTLP-JSON, one batch per line."""
import json
from dataclasses import dataclass, field


@dataclass
class Point:
    metric: str
    attrs: dict
    value: float  # a histogram point's count
    time_ns: int
    kind: str = "gauge"  # gauge, sum or histogram
    buckets: list = None  # a histogram's bucket counts, with bounds and sum
    bounds: list = None
    sum: float = None


@dataclass
class Process:
    """Everything received from one JVM (one resource)."""
    resource: dict
    points: list = field(default_factory=list)
    requests: int = 0  # export requests (lines) that carried this JVM's points

    def names(self):
        return {p.metric for p in self.points}

    def series(self, metric, **attrs):
        """The points of metric whose attributes include attrs, in time order."""
        want = {k.replace("__", "."): v for k, v in attrs.items()}
        return sorted((p for p in self.points if p.metric == metric and all(p.attrs.get(k) == v for k, v in want.items())),
                      key=lambda p: p.time_ns)

    def last(self, metric, **attrs):
        s = self.series(metric, **attrs)
        return s[-1].value if s else None


def _value(v):
    for k in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if k in v:
            return str(v[k])
    return ""


def _attrs(kvs):
    return {kv["key"]: _value(kv.get("value", {})) for kv in kvs or []}


def read(path):
    """Processes keyed by spark.executor.id (the driver is "driver")."""
    procs = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            for rm in json.loads(line).get("resourceMetrics", []):
                res = _attrs(rm.get("resource", {}).get("attributes"))
                proc = procs.setdefault(res.get("spark.executor.id", "?") + "@" + res.get("process.pid", ""), Process(res))
                proc.requests += 1
                for sm in rm.get("scopeMetrics", []):
                    for m in sm.get("metrics", []):
                        kind = next((k for k in ("gauge", "sum", "histogram") if k in m), None)
                        for dp in (m.get(kind) or {}).get("dataPoints", []) if kind else []:
                            p = Point(m["name"], _attrs(dp.get("attributes")), 0.0, int(dp.get("timeUnixNano", 0)), kind)
                            if kind == "histogram":  # OTLP-JSON writes 64-bit counts as strings
                                p.value = float(dp.get("count", 0))
                                p.buckets = [int(c) for c in dp.get("bucketCounts", [])]
                                p.bounds = [float(b) for b in dp.get("explicitBounds", [])]
                                p.sum = float(dp.get("sum", 0))
                            else:
                                p.value = float(dp.get("asDouble", dp.get("asInt", 0)))
                            proc.points.append(p)
    return procs
