#!/usr/bin/env python3
"""The memory summary and the one-page HTML report, computed by SQL over the deltalake
exporter's tables (demo/sql/*.sql, in DuckDB: demo/lake.py), charted with uPlot inlined.

Usage: report.py SOURCE EVENT_LOG_DIR OUT_HTML [VERDICTS_LOG]
SOURCE is the exporter's lake path (or an OTLP-JSON file from the otlpjsonfile exporter).
VERDICTS_LOG: the driver's `sparkotel verdict:` lines, shown when there are any.
Prints, per JVM, the peak of each memory family and the stage running at the peak, then the
sizing advice (demo/advise.py).

build() may be called from a Python without DuckDB (a Spark venv): it then runs this file with
the lakehouse venv's python ($SPARKOTEL_LAKE_PY, else $TOOLS/lakehouse/bin/python).
"""
import html
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOOLS = os.environ.get("TOOLS") or os.path.join(os.path.expanduser("~"), ".cache", "sparkotel")


def version(name):
    with open(os.path.join(ROOT, "versions.env")) as f:
        return next(line.split("=", 1)[1].strip() for line in f if line.startswith(name + "="))


def uplot():
    """uPlot's script and stylesheet, as `make report-tools` unpacked them from npm."""
    dist = os.path.join(TOOLS, f"uplot-{version('UPLOT')}", "package", "dist")
    try:
        with open(os.path.join(dist, "uPlot.iife.min.js")) as js, open(os.path.join(dist, "uPlot.min.css")) as css:
            return js.read(), css.read()
    except FileNotFoundError:
        raise SystemExit(f"uPlot not found in {dist}: run `make report-tools`")


def mb(v):
    return f"{v / 2**20:,.0f} MB"


def summarize(rows):
    """The per-JVM peaks (summary.sql) as text, one block per JVM, the driver first."""
    by = {}
    for r in rows:
        key = (r["app_id"], r["executor"])
        fam = by.setdefault(key, {}).setdefault(r["ord"], {"family": r["family"], "peak": r["peak"], "stages": []})
        if r["stage_id"] is not None:
            fam["stages"].append(f"stage {r['stage_id']} ({r['stage_description'] or r['stage_name'] or '?'})")
    apps = {a for a, _ in by}
    lines = []
    for app, ex in sorted(by, key=lambda k: (k[0], k[1] != "driver", k[1].zfill(6))):
        lines.append(("driver" if ex == "driver" else f"executor {ex}") + (f"  [{app}]" if len(apps) > 1 else ""))
        for _, f in sorted(by[(app, ex)].items()):
            lines.append(f"  {f['family']:<16} peak {mb(f['peak']):>10}  while {', '.join(f['stages']) or 'no stage'}")
    return "\n".join(lines)


def _build(source, event_dir, out_html, verdicts_log=None):
    sys.path.insert(0, HERE)
    import advise
    import lake
    con = lake.connect(source, event_dir)
    summary = summarize(lake.query(con, "summary"))
    advice_rows = lake.query(con, "advice")
    advice = "\n\n".join(advise.diff(r) for r in advice_rows)
    verdict_lines = []
    if verdicts_log and os.path.exists(verdicts_log):
        with open(verdicts_log) as f:
            verdict_lines = [line[line.index("sparkotel verdict:"):].strip() for line in f if "sparkotel verdict:" in line]
    series = {}
    for r in lake.query(con, "series"):
        s = series.setdefault(f"{r['app_id']}/{r['executor']}", {k: [] for k in r if k not in ("app_id", "app_name", "executor")})
        for k, v in s.items():
            v.append(r[k])
    data = {
        "apps": sorted({k.split("/")[0] for k in series}),
        "app_name": next((r["app_name"] for r in advice_rows), ""),
        "series": series,
        "overview": lake.query(con, "overview"),
        "stages": lake.query(con, "stages"),
        "verdict_counts": lake.query(con, "verdicts"),
        "verdicts": verdict_lines,
        "advice": [{"app_name": r["app_name"], "settings": [
            {"key": k, "now": now, "new": new, "why": why, "changed": advise.changed(now, new)}
            for k, now, new, why in advise.advise(r)]} for r in advice_rows],
    }
    js, css = uplot()
    with open(os.path.join(HERE, "report.html.tmpl")) as f:
        page = f.read()
    # </script> cannot occur in the JSON (no "<" left unescaped) nor in uPlot's minified code.
    page = page.replace("/*UPLOT_CSS*/", css).replace("/*UPLOT_JS*/", js)
    page = (page.replace("/*DATA*/null", json.dumps(data).replace("<", "\\u003c"))
            .replace("<!--SUMMARY-->", html.escape(summary)).replace("<!--ADVICE-->", html.escape(advice)))
    with open(out_html, "w") as f:
        f.write(page)
    text = summary + ("\n\nsizing advice (demo/advise.py):\n" + advice if advice else "")
    if verdict_lines:
        text += "\n\nverdicts:\n" + "\n".join(verdict_lines)
    return text


def build(source, event_dir, out_html, verdicts_log=None):
    """Writes out_html; returns the summary text (the peaks, then the advice)."""
    try:
        import duckdb  # noqa: F401
    except ImportError:
        py = os.environ.get("SPARKOTEL_LAKE_PY") or os.path.join(TOOLS, "lakehouse", "bin", "python")
        args = [py, os.path.abspath(__file__), source, event_dir, out_html] + ([verdicts_log] if verdicts_log else [])
        p = subprocess.run(args, stdout=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed (rc {p.returncode}); `make report-tools` installs {py}")
        return p.stdout.rstrip("\n")
    return _build(source, event_dir, out_html, verdicts_log)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    print(_build(*sys.argv[1:5]))
