#!/usr/bin/env python3
"""Writes docs/performance.md from the outputs of `make bench` (BENCH_DIR, build/bench/): the Go
benchmarks (go.txt), the JVM sample, live-cycle and diagnosis benchmarks (jvm.txt), and the
whole-job comparison (jobs.json, jobs.rev). The text, the targets and their limits are in
bench/performance.yaml, keyed by section; this script computes the numbers and fills them in.
A section whose inputs are missing from BENCH_DIR is kept as it stands in OUT_MD (from an earlier
run), and the intro says which.

Usage: report.py BENCH_DIR OUT_MD COMMAND
"""
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys

import yaml

TEXT = yaml.safe_load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "performance.yaml"),
                           encoding="utf-8"))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip()
    except OSError:
        return "?"


def machine():
    cpu_model = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    mem_gib = sh("free -g | awk '/Mem:/{print $2}'")
    return (f"{sh('nproc')} cores ({cpu_model}), {mem_gib} GiB, Linux {platform.release()}, "
            f"{sh('go version').replace('go version ', '')}, {sh('java -version 2>&1 | head -1')}")


def read_go(path):
    """`go test -bench` result lines: the name without its -GOMAXPROCS suffix, and {unit: value}."""
    rows = []
    for line in open(path) if os.path.exists(path) else []:
        if line.startswith("Benchmark"):
            f = line.split()
            rows.append((re.sub(r"-\d+$", "", f[0]), {f[i + 1]: f[i] for i in range(2, len(f) - 1, 2)}))
    return rows


def read_jvm(path):
    """SampleBench's and CycleBench's "BENCH <name> <ns> <count>" lines (sbt prefixes them with [info])."""
    jvm = {}
    for line in open(path) if os.path.exists(path) else []:
        m = re.search(r"BENCH (\S+) (\d+) (\d+)", line)
        if m:
            jvm[m.group(1)] = (float(m.group(2)), int(m.group(3)))
    parts = {k: v for k, v in jvm.items() if not k.startswith(("cycle", "threads.", "diagnosis."))}
    cycles = {k[len("cycle."):]: (ns, n, jvm.get("cycle_jvm." + k[len("cycle."):], (None,))[0])
              for k, (ns, n) in jvm.items() if k.startswith("cycle.")}
    return parts, cycles, jvm.get("threads.sparkotel", (None,))[0]


def read_diagnosis(path):
    """DiagnosisBench's "BENCH diagnosis.<name> <value> <count>" lines: {name: (value, count)}."""
    out = {}
    for line in open(path) if os.path.exists(path) else []:
        m = re.search(r"BENCH diagnosis\.(\S+) (\d+) (\d+)", line)
        if m:
            out[m.group(1)] = (float(m.group(2)), int(m.group(3)))
    return out


def diagnosis_values(d):
    """The diagnosis table's numbers: µs per message or sample, the driver's share of one core
    for 1,000 executors at one message a second each, retained MB and bytes a sample."""
    v = {}
    for k in ("driver_message", "driver_deserialize", "driver_receive", "executor_cold", "executor_cold_sample",
              "executor_cold_serialize", "executor_sample", "executor_sample_serialize", "executor_sample_no_core"):
        if k in d:
            v[f"diag_{k}_us"] = d[k][0] / 1000
    if "driver_message" in d:
        v["diag_driver_ms_per_s"] = d["driver_message"][0] * 1000 / 1e6  # 1,000 messages a second
        v["diag_driver_pct"] = d["driver_message"][0] * 1000 / 1e9 * 100
    for label in ("1s", "100ms"):
        if f"retained_{label}" in d:
            b, n = d[f"retained_{label}"]
            v[f"diag_retained_{label}_mb"] = b / 1e6
            v[f"diag_samples_{label}"] = n
            if n:
                v[f"diag_bytes_per_sample_{label}"] = b / n
    for mib in (50, 300):
        if f"histogram_{mib}mb" in d:
            v[f"diag_histogram_{mib}mb_ms"] = d[f"histogram_{mib}mb"][0] / 1e6
    if "nmt_read" in d:
        v["diag_nmt_read_us"] = d["nmt_read"][0] / 1000
    if v.get("diag_retained_1s_mb"):
        v["diag_100ms_over_1s"] = v.get("diag_retained_100ms_mb", float("nan")) / v["diag_retained_1s_mb"]
    if "message_bytes" in d:
        v["diag_message_bytes"] = d["message_bytes"][0]
    return v


def cycle_label(key):
    """CycleBench's labels: the interval, "_sent_each" when each sample is sent at once."""
    if key == "near_limit":
        return "near a limit (an executor's fast mode: every 100 ms, each sample flushed and sent to the driver)"
    if key.endswith("_sent_each"):
        return f"every {key[:-len('_sent_each')]}, each sample sent at once"
    return f"every {key}" + (", sent a second at a time (the default)" if key.endswith("ms") else "")


def median(runs, k):
    """Median over the runs that measured k (a start-up time can be missing)."""
    vals = [r[k] for r in runs if not (isinstance(r[k], float) and math.isnan(r[k]))]
    return statistics.median(vals) if vals else float("nan")


def jvm_values(parts, cycles, threads):
    v = {f"{k.replace('.', '_')}_us": ns / 1000 for k, (ns, _) in parts.items()}  # e.g. cold_sample_us
    if "1s" in cycles:
        v.update(cycle_1s_us=cycles["1s"][0] / 1000, cycle_1s_pct=cycles["1s"][0] / 1e9 * 100)
    if threads:
        v["cycle_threads"] = threads
    if "near_limit" in cycles:  # ten cycles a second
        near = cycles["near_limit"][0]
        v.update(near_limit_us=near / 1000, near_limit_pct=near * 10 / 1e9 * 100)
    batched, each = cycles.get("100ms"), cycles.get("100ms_sent_each")
    if batched and each:  # what sending a second at a time saves at 100 ms
        v.update(batched_us=batched[0] / 1000, each_us=each[0] / 1000, batching_saves_pct=(1 - batched[0] / each[0]) * 100)
        if batched[2] is not None and each[2] is not None:
            v.update(batched_go_us=(batched[0] - batched[2]) / 1000, each_go_us=(each[0] - each[2]) / 1000)
    return v


def job_values(jobs, rev):
    a, b, first = jobs["A none"], jobs["B sparkotel 1s"], jobs["A none"][0]

    def added(name, k):
        """Median over the rounds of (name − A) in the same round: the rounds are interleaved so
        that a pair shares the machine's state, which drifts more across a run than within a round."""
        return statistics.median(r[k] - x[k] for r, x in zip(jobs[name], a))

    def span(k):
        return max(r[k] for r in a) - min(r[k] for r in a)

    v = {"rounds": len(a), "commit": rev, "sql_spread_pct": span("sql_s") / median(a, "sql_s") * 100,
         "add_rss": added("B sparkotel 1s", "steady_rss_mb"), "rss_span": span("steady_rss_mb"),
         "add_threads": added("B sparkotel 1s", "threads"), "cpu_b": added("B sparkotel 1s", "cpu_s"),
         "cpu_span": span("cpu_s"), "startup_b": added("B sparkotel 1s", "startup_ms"), "startup_span": span("startup_ms")}
    if "D otel java agent" in jobs:
        v.update(cpu_d=added("D otel java agent", "cpu_s"), startup_d=added("D otel java agent", "startup_ms"))
    if "steady_anon_mb" in first:
        v["add_anon"] = added("B sparkotel 1s", "steady_anon_mb")
        v["add_file"] = v["add_rss"] - v["add_anon"]
    if "steady_threads" in first:
        v["add_steady_threads"] = added("B sparkotel 1s", "steady_threads")
    for k, name in (("own_threads", "own_threads"), ("sparkotel_cpu_s", "own_cpu"), ("jar_fetch_ms", "jar_fetch_ms"),
                    ("plugin_init_ms", "plugin_init_ms"), ("own_init_ms", "own_init_ms"), ("ready_ms", "ready_ms")):
        if k in first:
            v[name] = median(b, k)
    if "own_cpu" in v and "cpu_d" in v:
        v["own_ratio"] = v["cpu_d"] / v["own_cpu"] if v["own_cpu"] else float("inf")
    return v


def verdict(ok):
    return "met" if ok else "**missed**"


def judge(key, v, limit):
    """A target's verdict from the numbers; KeyError when they were not measured."""
    if key == "cycle":
        return verdict(v["cycle_1s_us"] <= limit)
    if key == "rss":  # a difference nearer the limit than half A's own spread could fall either side
        noise = v["rss_span"] / 2
        if v["rounds"] < 3:  # one or two rounds say nothing of A's spread
            return f"not resolved: {v['rounds']} round(s), too few to know A's noise"
        return (f"not resolved: within A's noise of ±{noise:.0f} MB" if abs(v["add_rss"] - limit) <= noise
                else verdict(v["add_rss"] <= limit))
    if key == "threads":
        return verdict(v["go_threads"] <= limit)
    if key == "agent_cpu":
        allowed, noise = v["cpu_d"] / limit, v["cpu_span"] / 2
        settled = v["rounds"] >= 3 and (v["cpu_b"] <= allowed or v["cpu_b"] - noise > allowed)
        if settled:  # the executors' totals settle it (with rounds enough to know A's noise)
            return verdict(v["cpu_b"] <= allowed)
        if "own_cpu" not in v:
            return f"not resolved: the executors' B−A is within A's noise of ±{noise:.0f} s"
        why = (f"is within A's noise of ±{noise:.0f} s" if v["rounds"] >= 3
               else f"over {v['rounds']} round(s) cannot be told from A's noise")
        return (verdict(v["own_cpu"] <= allowed) + f", by sparkotel's own threads (the executors' B−A, "
                f"{v['cpu_b']:+.2f} s, {why})")
    raise ValueError(f"no verdict for target {key!r}")


def fill(template, v):
    """A template with v's numbers, or None when one is missing. A list is fragments: the
    first is required, each later one is added when its numbers exist."""
    if not template:
        return None
    parts = [template] if isinstance(template, str) else template
    try:
        out = parts[0].format_map(v)
    except KeyError:
        return None
    for p in parts[1:]:
        try:
            out += p.format_map(v)
        except KeyError:
            pass
    return out


def bullets(items, v):
    lines = [f"- {s}" for s in (fill(i, v) for i in items or []) if s is not None]
    return lines + [""] if lines else []


def table(header, rows):
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows] + [""]


def section(key, v, body):
    t = TEXT[key]
    intro = fill(t.get("intro"), v)
    return [f"## {t['heading']}", ""] + ([intro, ""] if intro else []) + body + bullets(t.get("why"), v)


def targets_table(v, old=()):
    """The targets, judged; a target not measured this time keeps its row in old (the earlier
    run's section lines), if it has one."""
    rows = []
    for key, t in TEXT["targets"]["rows"].items():
        try:
            rows.append([t["target"], fill(t["measured"], v) or "?", judge(key, v, t["limit"])])
        except KeyError:
            before = [line for line in old if line.startswith(f"| {t['target']} | ")]
            rows.append(before[0][2:-2].split(" | ") if before else [t["target"], "not measured", ""])
    return table(["target", "measured", "verdict"], rows)


def cycles_table(cycles):
    us = lambda ns: f"{ns / 1000:,.1f}" if ns is not None else ""
    return table(["sampling", "cycles", "µs CPU a cycle", "of which the JVM sample", "of which Go"],
                 [[cycle_label(k), str(n), us(ns), us(j), us(ns - j if j is not None else None)]
                  for k, (ns, n, j) in cycles.items()])


def rows_table(key, v):
    """A two-column table from the section's rows in performance.yaml; a row whose numbers were
    not measured is left out."""
    rows = [[label, fill(t, v)] for label, t in TEXT[key]["rows"].items()]
    return table(["", "measured"], [r for r in rows if r[1] is not None])


def old_sections(path):
    """The sections of an existing docs/performance.md, by heading: {heading: lines}."""
    if not os.path.exists(path):
        return {}
    out, heading = {}, None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("## "):
            heading = line[3:].strip()
            out[heading] = []
        if heading:
            out[heading].append(line)
    return {h: lines + ([""] if lines[-1] != "" else []) for h, lines in out.items()}


def jobs_table(jobs, v):
    a = jobs["A none"]
    cols = [(k, label) for k, label in TEXT["whole_job"]["columns"].items() if k in a[0]]
    base = {k: median(a, k) for k, _ in cols}
    rows = []
    for name, runs in jobs.items():
        meds = [(k, median(runs, k)) for k, _ in cols]
        rows.append([name] + [f"{m:,.1f}" + ("" if name == "A none" or not base[k] else f" ({m / base[k]:.3f})")
                              for k, m in meds])
    added = bullets(TEXT["whole_job"]["added"], v)
    return table([""] + [label for _, label in cols], rows) + ([TEXT["whole_job"]["added_intro"], ""] + added if added else [])


def go_table(rows):
    std = ("ns/op", "cpu-ns/op", "B/op", "allocs/op")
    return table(["benchmark", *std, "other"],
                 [[name, *(v.get(k, "") for k in std), ", ".join(f"{v[k]} {k}" for k in v if k not in std)]
                  for name, v in rows])


def jvm_table(parts):
    return table(["part", "µs CPU", "readings"], [[name, f"{ns / 1000:,.1f}", str(n)] for name, (ns, n) in parts.items()])


def main():
    bench_dir, out_md, command = sys.argv[1:4]
    go = read_go(os.path.join(bench_dir, "go.txt"))
    parts, cycles, threads = read_jvm(os.path.join(bench_dir, "jvm.txt"))
    diag = read_diagnosis(os.path.join(bench_dir, "jvm.txt"))
    v = {"machine": machine(), "command": command, **jvm_values(parts, cycles, threads), **diagnosis_values(diag)}
    jobs = None
    if os.path.exists(os.path.join(bench_dir, "jobs.json")):
        jobs = json.load(open(os.path.join(bench_dir, "jobs.json")))
        rev = os.path.join(bench_dir, "jobs.rev")
        v.update(job_values(jobs, open(rev).read().strip() if os.path.exists(rev) else "(not recorded)"))
    if "own_threads" in v or threads:  # an executor's, else CycleBench's; all but our one Java thread
        v["go_threads"] = v.get("own_threads", threads) - 1
    v = {k: x for k, x in v.items() if not (isinstance(x, float) and math.isnan(x))}

    old = old_sections(out_md)
    measured = {"targets": any("| not measured |" not in row for row in targets_table(v)[2:-1]),
                "live_cycle": bool(cycles), "whole_job": bool(jobs), "go": bool(go), "jvm": bool(parts),
                "diagnosis": bool(diag)}
    render = {"targets": lambda: targets_table(v, old.get(TEXT["targets"]["heading"], ())), "live_cycle": lambda: cycles_table(cycles),
              "whole_job": lambda: jobs_table(jobs, v), "go": lambda: go_table(go),
              "jvm": lambda: jvm_table(parts), "diagnosis": lambda: rows_table("diagnosis", v)}
    body, kept = [], []
    for key in render:  # the order of the sections in the page
        heading = TEXT[key]["heading"]
        if measured[key]:
            body += section(key, v, render[key]())
        elif heading in old:  # not measured this time: the earlier run's section stands
            body += old[heading]
            kept.append(heading)
        elif key == "targets":  # always there, "not measured" if need be
            body += section(key, v, targets_table(v))
    if kept:
        v["kept"] = ", ".join(kept)
    md = [TEXT["comment"], f"# {TEXT['title']}", "", fill(TEXT["intro"], v), ""] + body
    with open(out_md, "w", encoding="utf-8") as f:
        f.write("\n".join(md).rstrip("\n") + "\n")
    print(f"wrote {out_md}")


if __name__ == "__main__":
    main()
