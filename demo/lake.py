"""Runs the report's SQL (demo/sql/*.sql) in DuckDB over the deltalake exporter's tables.

The SQL is Spark SQL that DuckDB also runs: it reads the tables otel_metrics_gauge and
otel_metrics_sum and the small table spark_stages (stage names and descriptions from the
event log), so the same files run on Spark over a lake too large for one machine
(demo/spark_report.py). DuckDB reads Delta with delta_scan from the pinned extension package.

A source is a lake directory (the exporter's `path`) or, for the end-to-end test's collector,
an OTLP-JSON file (otlpjsonfile exporter), loaded into tables of the same columns.
"""
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SQL = os.path.join(HERE, "sql")
TABLES = ("otel_metrics_gauge", "otel_metrics_sum")
sys.path.insert(0, HERE)
import eventlog  # noqa: E402


def sql(name):
    with open(os.path.join(SQL, name + ".sql")) as f:
        return f.read()


def statements(text):
    """The statements of a .sql file (no ; inside literals in ours)."""
    return [s.strip() for s in text.split(";") if s.strip() and not all(
        line.strip().startswith("--") or not line.strip() for line in s.strip().splitlines())]


def _delta(con):
    import duckdb_extension_delta
    ext = glob.glob(os.path.join(os.path.dirname(duckdb_extension_delta.__file__), "extensions", "*",
                                 "delta.duckdb_extension"))[0]
    con.execute(f"INSTALL '{ext}'; LOAD delta;")


def _from_otlp_json(con, path):
    """The columns the SQL reads, from an OTLP-JSON file. The file's reader keeps no point kind,
    so both tables hold every point: the SQL takes each metric from one table only."""
    import pyarrow as pa
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e"))
    import otlp
    cols = {k: [] for k in ("ResourceAttributes", "ServiceName", "SparkApplicationId", "SparkApplicationName",
                            "SparkExecutorId", "MetricName", "Attributes", "TimeUnix", "Value")}
    for proc in otlp.read(path).values():
        res = list(proc.resource.items())
        for p in proc.points:
            cols["ResourceAttributes"].append(res)
            cols["ServiceName"].append(proc.resource.get("service.name", ""))
            cols["SparkApplicationId"].append(proc.resource.get("spark.application.id"))
            cols["SparkApplicationName"].append(proc.resource.get("spark.application.name"))
            cols["SparkExecutorId"].append(proc.resource.get("spark.executor.id"))
            cols["MetricName"].append(p.metric)
            cols["Attributes"].append(list(p.attrs.items()))
            cols["TimeUnix"].append(p.time_ns // 1000)
            cols["Value"].append(p.value)
    m = pa.map_(pa.string(), pa.string())
    points = pa.table({k: pa.array(v, type={"ResourceAttributes": m, "Attributes": m,
                                            "TimeUnix": pa.timestamp("us", tz="UTC")}.get(k)) for k, v in cols.items()})
    con.register("otlp_points", points)
    con.execute("CREATE TABLE otel_metrics_gauge AS SELECT * FROM otlp_points")
    con.execute("CREATE TABLE otel_metrics_sum AS SELECT * FROM otlp_points")


def connect(source, event_dir=None):
    """A DuckDB connection with the tables, spark_stages and the report's views (memory.sql)."""
    import duckdb
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    # Spark's name for it; the SQL is written to run on both.
    con.execute("CREATE MACRO unix_millis(ts) AS epoch_ms(ts)")
    if os.path.isdir(source):
        _delta(con)
        for t in TABLES:
            path = os.path.join(source, t)
            if not os.path.isdir(os.path.join(path, "_delta_log")):
                raise SystemExit(f"{path}: no Delta table here (is {source} the deltalake exporter's path?)")
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM delta_scan('{path}')")
    else:
        _from_otlp_json(con, source)
    stages = eventlog.read(event_dir) if event_dir else {}
    apps = [r[0] for r in con.execute("SELECT DISTINCT SparkApplicationId FROM otel_metrics_gauge "
                                      "WHERE SparkApplicationId IS NOT NULL").fetchall()]
    con.execute("CREATE TABLE spark_stages (app_id VARCHAR, stage_id INTEGER, name VARCHAR, description VARCHAR, "
                "start_ms BIGINT, end_ms BIGINT)")
    for s in stages.values():
        if s.start_ms:
            con.execute("INSERT INTO spark_stages VALUES (?, ?, ?, ?, ?, ?)",
                        [s.app_id or (apps[0] if len(apps) == 1 else ""), s.id, s.name, s.description, s.start_ms,
                         s.end_ms or None])
    for st in statements(sql("memory")):
        con.execute(st)
    return con


def query(con, name):
    """Rows of demo/sql/<name>.sql as dicts."""
    cur = con.execute(sql(name))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
