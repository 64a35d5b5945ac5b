"""A table an earlier exporter wrote, without the SparkApplicationName column: the collector
adds the column (one metaData commit) and appends; delta-rs and DuckDB read the old rows with
no name and the new ones named, before and after compaction. Run by lakehouse.py, which also
has Spark read the tables this returns."""
import os
import shutil
import subprocess

from deltalake import DeltaTable

from services import Collector, exporter_yaml, generate


def run(collector_bin, otlpgen, compact_bin, oldtable_bin, work, check, duck):
    """Returns {table path: (rows, named rows)} for the Spark readers."""
    lake = os.path.join(work, "mixed")
    gauge = os.path.join(lake, "otel_metrics_gauge")
    old = int(subprocess.run([oldtable_bin, gauge], check=True, capture_output=True, text=True).stdout)
    c = Collector(collector_bin, work, "mixed", exporter_yaml("local", lake))
    new = generate(otlpgen, c.endpoint, "mixed", requests=10, every="20ms")["otel_metrics_gauge"]
    check("older table: graceful stop", c.stop() == 0)
    log = os.path.join(gauge, "_delta_log")
    ops = [open(os.path.join(log, f)).read() for f in sorted(os.listdir(log)) if f.endswith(".json")]
    check("older table: the collector added the column in one commit",
          sum('"operation":"ADD COLUMNS"' in o for o in ops) == 1, [o[:120] for o in ops])
    compacted = os.path.join(work, "mixed-compacted", "otel_metrics_gauge")
    shutil.copytree(gauge, compacted)
    out = subprocess.run([compact_bin, compacted], capture_output=True, text=True)
    fewer = len(DeltaTable(compacted).file_uris()) < len(DeltaTable(gauge).file_uris())
    check("older table: compaction merges files of both schemas", out.returncode == 0 and fewer, out.stdout + out.stderr)
    for label, path in (("as written", gauge), ("compacted", compacted)):
        tab = DeltaTable(path).to_pyarrow_table(columns=["SparkApplicationName"])
        named = tab.num_rows - tab.column(0).null_count
        check(f"older table, {label}: delta-rs reads {old} old rows unnamed and {new} new named",
              (tab.num_rows, named) == (old + new, new), (tab.num_rows, named))
        got = duck.execute(f"SELECT count(*), count(SparkApplicationName) FROM delta_scan('{path}')").fetchone()
        check(f"older table, {label}: DuckDB the same", got == (old + new, new), got)
    return {gauge: (old + new, new), compacted: (old + new, new)}
