#!/usr/bin/env python3
"""Sizing advice across runs, from the tables: per application (every run of the same
spark.app.name in the lake, every executor), the executor memory settings to change, from each
component's observed peak and 95th percentile (demo/sql/advice.sql), printed as a spark-submit diff.

Usage: advise.py LAKE_PATH [EVENT_LOG_DIR]   (LAKE_PATH: the deltalake exporter's path)

The rules, each rounded up to 64 MiB:
  spark.executor.memory          the heap: 1.5 x the peak live set (heap used just after a GC),
                                 at least 2 x its 95th percentile and 512 MiB
  spark.executor.memoryOverhead  the JVM's memory outside the heap and Spark's off-heap pool
                                 (RSS - heap committed - off-heap in use, plus non-Python children):
                                 1.1 x peak, at least 1.25 x p95 and Spark's 384 MiB minimum
  spark.memory.offHeap.size      Spark's off-heap execution + storage, when used: same rule
  spark.executor.pyspark.memory  the PySpark workers' RSS, when there are any: same rule
A setting is listed when the advice differs from what the run had by 10% or more (or the run
did not set it).
"""
import math
import os
import sys

MiB = 2**20
HERE = os.path.dirname(os.path.abspath(__file__))
MIN_OVERHEAD = 384 * MiB
MIN_HEAP = 512 * MiB  # Spark refuses an executor below 450 MiB (1.5 x its 300 MiB reserve)


def up64(v):
    return int(math.ceil(max(v, 0) / (64 * MiB))) * 64 * MiB


def need(peak, p95, peak_factor=1.1, p95_factor=1.25):
    return up64(max((peak or 0) * peak_factor, (p95 or 0) * p95_factor))


def m(v):
    return f"{int(round(v / MiB))}m"


def advise(row):
    """[(setting, current bytes or None, advised bytes, why)] for one application's advice row."""
    out = []
    heap_now = row["heap_max"]
    heap = max(MIN_HEAP, need(row["heap_live_peak"], row["heap_live_p95"], 1.5, 2.0))
    if row["heap_live_peak"]:
        out.append(("spark.executor.memory", heap_now, heap,
                    f"live heap peak {m(row['heap_live_peak'] or 0)}, p95 {m(row['heap_live_p95'] or 0)}"))
    off_now = row["off_heap_pool"] or None
    off = need(row["off_heap_peak"], row["off_heap_p95"]) if (row["off_heap_peak"] or 0) > 0 else None
    if off:
        out.append(("spark.memory.offHeap.size", off_now, off,
                    f"off-heap peak {m(row['off_heap_peak'])}, p95 {m(row['off_heap_p95'])}"))
    py = need(row["python_peak"], row["python_p95"]) if (row["python_peak"] or 0) > 0 else None
    if py:
        out.append(("spark.executor.pyspark.memory", None, py,
                    f"Python workers peak {m(row['python_peak'])}, p95 {m(row['python_p95'])}"))
    overhead = max(MIN_OVERHEAD, need(row["native_peak"], row["native_p95"]))
    # What the run had: the container budget less the heap and the off-heap pool (with
    # pyspark.memory inside it when the run set that; it is not observable on its own).
    over_now = row["budget"] - (heap_now or 0) - (off_now or 0) if row["budget"] and heap_now else None
    out.append(("spark.executor.memoryOverhead", over_now, overhead,
                f"native peak {m(row['native_peak'] or 0)}, p95 {m(row['native_p95'] or 0)}"))
    return out


def changed(now, new):
    return now is None or abs(new - now) >= 0.1 * now


def diff(row):
    """The advice as a spark-submit diff (unchanged settings left out)."""
    lines = [f"# {row['app_name']}: {row['runs']} run(s), {row['executors']} executor(s)", "  spark-submit \\"]
    for key, now, new, why in advise(row):
        if not changed(now, new):
            lines += [f"    # keep {key}: {why}", f"    --conf {key}={m(now)} \\"]
            continue
        lines.append(f"    # {key}: {why}")
        if now is not None:
            lines.append(f"-   --conf {key}={m(now)} \\")
        lines.append(f"+   --conf {key}={m(new)} \\")
    lines.append("    ...")
    return "\n".join(lines)


def rows(con):
    sys.path.insert(0, HERE)
    import lake
    return lake.query(con, "advice")


def main(lake_path, event_dir=None):
    sys.path.insert(0, HERE)
    import lake
    con = lake.connect(lake_path, event_dir)
    out = [diff(r) for r in rows(con)]
    print("\n\n".join(out) if out else "no executor samples in the tables")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:3]))
