#!/usr/bin/env python3
"""Opens a report in headless Chromium and checks that its charts rendered: the page's script
sets data-charts to the number of series it drew, and each is an SVG polyline in the DOM.

Usage: check_report.py REPORT_HTML MIN_SERIES [SCREENSHOT_PNG]
"""
import os
import re
import subprocess
import sys
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def chromium(*args):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(["chromium", *FLAGS, f"--user-data-dir={profile}", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def main(report, min_series, screenshot=None, closing_line=False):
    url = "file://" + os.path.abspath(report)
    dom = chromium("--dump-dom", url).stdout
    m = re.search(r'data-charts="(\d+)"', dom)
    drawn = int(m.group(1)) if m else 0
    lines = dom.count("<polyline")
    ok = drawn >= min_series and lines == drawn and "stage" in dom
    print(f"report-check: {drawn} series drawn, {lines} polylines in the DOM (need >= {min_series})")
    if screenshot:
        chromium("--window-size=1200,1000", f"--screenshot={os.path.abspath(screenshot)}", url)
        ok = ok and os.path.getsize(screenshot) > 20_000
        print(f"report-check: screenshot {screenshot} ({os.path.getsize(screenshot)} bytes)")
    if closing_line:
        print(f"{int(ok)} passed, {int(not ok)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:4], closing_line=True))
