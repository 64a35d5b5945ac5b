"""Starts the real collector and submits the workload to a real local-cluster (two executor JVMs)."""
import os
import random
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLUGIN = "io.sparkotel.plugin.SparkotelPlugin"
SINK = "org.apache.spark.metrics.sink.SparkotelSink"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def late_port():
    """A free port for a server that binds it only after other processes start: it lies below
    the kernel's ephemeral range, so no port those processes are given (bind to 0) can take it."""
    try:
        low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    start = random.randrange(max(1024, low - 10000), low)
    for port in list(range(start, low)) + list(range(max(1024, low - 10000), start)):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port below the ephemeral range")


def wait_port(port, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds}s")


class Collector:
    """The sparkotel-collector binary, OTLP gRPC on a free loopback port, writing to out."""

    def __init__(self, binary, out, log, port=None):
        if port is not None:
            with socket.socket() as s:  # taken: OSError, the caller picks another
                s.bind(("127.0.0.1", port))
        self.port = port or free_port()
        self.out = out
        env = dict(os.environ, SPARKOTEL_OTLP_PORT=str(self.port), SPARKOTEL_OUT=out)
        self.proc = subprocess.Popen([binary, "--config", os.path.join(ROOT, "collector", "config.yaml")],
                                     env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.port)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def spark_conf(jar, endpoint, interval="200ms", extra=(), sink=True, plugin=True, period="1"):
    """The Spark settings of a test run: the plugin unless plugin=False, the sink unless sink=False
    (the plugin alone, from --jars only); interval or period None: sparkotel's or Spark's default."""
    jar = os.path.abspath(jar)
    key = "spark.metrics.conf.*.sink.otel."
    conf = {
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={ROOT}/tests/spark/log4j2.properties",
        "spark.sql.autoBroadcastJoinThreshold": "-1",
        "spark.sql.shuffle.partitions": "8",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.executor.memory": "900m",
    }
    if plugin:
        conf["spark.plugins"] = PLUGIN
    if interval:
        conf[key + "interval"] = interval
    if sink:
        conf[key + "class"] = SINK
        if period:
            conf[key + "period"] = period
        # Spark builds executor sinks before it fetches --jars: the jar must be on their class path.
        conf["spark.executor.extraClassPath"] = jar
    if endpoint:  # else the default, localhost:4317
        conf[key + "endpoint"] = endpoint
    conf.update(dict(extra))
    return conf


def spark_args(jar, master, conf, jars=()):
    """spark-submit's options for master, --jars (the plugin's first) and conf."""
    cmd = ["--master", master, "--jars", ",".join([os.path.abspath(jar)] + [os.path.abspath(j) for j in jars])]
    for k, v in conf.items():
        cmd += ["--conf", f"{k}={v}"]
    return cmd


def spark_env(spark_home):
    return dict(os.environ, SPARK_HOME=spark_home, SPARK_LOCAL_IP="127.0.0.1")


def submit(spark_home, jar, endpoint, job, interval="200ms", extra=(), timeout=900, sink=True, plugin=True,
           master="local-cluster[2,1,1024]", period="1", jars=(), args=()):
    """spark-submit on master (two executor JVMs by default) with spark_conf's settings; returns
    (rc, output). jars: more jars for the job; args: the job's."""
    conf = spark_conf(jar, endpoint, interval, extra, sink, plugin, period)
    cmd = [os.path.join(spark_home, "bin", "spark-submit"), *spark_args(jar, master, conf, jars), job, *args]
    env = spark_env(spark_home)
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return p.returncode, p.stdout


def event_log(directory):
    """Spark settings for a plain-JSON event log in directory (Spark 4 rolls and may compress by default)."""
    return {"spark.eventLog.enabled": "true", "spark.eventLog.dir": directory,
            "spark.eventLog.rolling.enabled": "false", "spark.eventLog.compress": "false"}


def field(output, name):
    """The value of a NAME=value line the job printed."""
    for line in output.splitlines():
        if line.startswith(name + "="):
            return line[len(name) + 1:]
    return None


def executor_logs(spark_home, app_id):
    """stderr of each executor of app_id, by executor id (local-cluster keeps them under work/)."""
    base = os.path.join(spark_home, "work", app_id or "none")
    logs = {}
    if os.path.isdir(base):
        for ex in sorted(os.listdir(base)):
            path = os.path.join(base, ex, "stderr")
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    logs[ex] = f.read()
    return logs
