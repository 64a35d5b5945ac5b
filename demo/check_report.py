#!/usr/bin/env python3
"""Opens a report in headless Chromium and checks that it rendered: the overview (its table and
its uPlot chart) and one uPlot chart per JVM, every chart's canvas painted. The page's script
sets data-overview (JVMs in the overview), data-plots (uPlot charts made), data-painted
(canvases with pixels drawn) and data-charts (series drawn in the per-JVM charts).

Usage: check_report.py REPORT_HTML MIN_SERIES [SCREENSHOT_PNG]
"""
import os
import re
import subprocess
import sys
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--virtual-time-budget=5000"]


def chromium(*args):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(["chromium", *FLAGS, f"--user-data-dir={profile}", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def attr(dom, name):
    m = re.search(rf'data-{name}="(\d+)"', dom)
    return int(m.group(1)) if m else 0


def main(report, min_series, screenshot=None, closing_line=False):
    url = "file://" + os.path.abspath(report)
    dom = chromium("--window-size=1200,1000", "--dump-dom", url).stdout
    drawn, plots, painted, overview = (attr(dom, k) for k in ("charts", "plots", "painted", "overview"))
    canvases = dom.count("<canvas")
    checks = {
        f"{drawn} series drawn (need >= {min_series})": drawn >= min_series,
        f"{plots} uPlot charts, {canvases} canvases in the DOM": plots >= 2 and canvases == plots,
        f"{painted} of {plots} canvases painted": painted == plots,
        f"the overview lists {overview} JVMs, first in the page": overview >= 1 and 0 <= dom.find('id="overview"') < dom.find('id="charts"'),
        "stage bands described": "stages: " in dom,
        "sizing advice present": "spark.executor.memory" in dom,
    }
    for what, good in checks.items():
        print(f"report-check: {'ok  ' if good else 'FAIL'} {what}")
    ok = all(checks.values())
    if screenshot:
        chromium("--window-size=1200,1600", f"--screenshot={os.path.abspath(screenshot)}", url)
        size = os.path.getsize(screenshot) if os.path.exists(screenshot) else 0
        ok = ok and size > 20_000
        print(f"report-check: screenshot {screenshot} ({size} bytes)")
    if closing_line:
        print(f"{int(ok)} passed, {int(not ok)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:4], closing_line=True))
