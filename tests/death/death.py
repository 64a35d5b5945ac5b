#!/usr/bin/env python3
"""The death suite: kills real executors of a real local-cluster and checks the driver's
verdict for each (the cause, the component that grew, the stage at the peak, the last
sample's age) and the sparkotel.executor.lost counter the real collector received.

Usage: death.py JAR COLLECTOR_BINARY DIE_JAR LABEL, run with the python of a venv holding
pyspark. The cases:
  heap    a task fills a small heap: OutOfMemoryError, exit 52
  cgroup  each executor starts inside its own memory-limited cgroup (v1 or v2, made here;
          skipped with one printed reason where cgroups cannot be written); a task grows
          direct buffers until the kernel's OOM killer ends the JVM (exit 137)
  python  a Python worker grows until the harness's YARN-style watchdog SIGKILLs the
          executor's process tree for exceeding the container budget (YARN's pmem check)
  sigkill the harness SIGKILLs an executor with ample headroom: not memory
Ends with 'N passed, N failed'; exits non-zero on any failure.
"""
import os
import re
import signal
import sys
import tempfile
import threading
import time

import pyspark

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import cluster  # noqa: E402
import otlp  # noqa: E402

import cgroups  # noqa: E402

jar, collector_bin, die_jar, label = sys.argv[1:5]
spark_home = os.path.dirname(os.path.abspath(pyspark.__file__))
work = tempfile.mkdtemp(prefix=f"sparkotel-death-{label}-")
MiB = 1 << 20
EXECUTOR_MEMORY_MIB = 512
BUDGET_MIB = EXECUTOR_MEMORY_MIB + 384  # Spark's overhead minimum
CGROUP_LIMIT_MIB = 800
results = []

VERDICT = re.compile(r"sparkotel verdict: executor (\S+) .*\[cause=(\S+) component=(\S+) stages=(\S*) age_ms=(-?\d+)\]")


def check(name, ok, detail=""):
    results.append(ok)
    print(f"  {'PASS' if ok else 'FAIL'} [{label}] {name}" + ("" if ok else f": {detail}"), flush=True)


def executor_pids():
    """pid -> executor id of this machine's executor JVMs."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            args = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if b"org.apache.spark.executor.CoarseGrainedExecutorBackend" in args and b"--executor-id" in args:
            out[int(pid)] = args[args.index(b"--executor-id") + 1].decode()
    return out


def tree(pid):
    """pid and all its descendants."""
    children = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(p))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def rss(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def kill_tree(pid):
    for p in tree(pid):
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


class Watchdog(threading.Thread):
    """YARN's pmem check, as the NodeManager does it: every 100 ms, the executor's process
    tree RSS against the container budget; over it, the whole tree is SIGKILLed."""

    def __init__(self, budget):
        super().__init__(daemon=True)
        self.budget, self.stop, self.killed = budget, threading.Event(), []

    def run(self):
        while not self.stop.wait(0.1):
            for pid, ex in executor_pids().items():
                total = sum(rss(p) for p in tree(pid))
                if total > self.budget:
                    print(f"  watchdog: executor {ex} (pid {pid}) tree RSS {total // MiB} MiB > budget "
                          f"{self.budget // MiB} MiB: SIGKILL", flush=True)
                    kill_tree(pid)
                    self.killed.append(ex)


class Killer(threading.Thread):
    """SIGKILLs the executor running partition 0's sleeping task, two seconds into it."""

    def __init__(self, pid_file):
        super().__init__(daemon=True)
        self.pid_file, self.stop, self.killed = pid_file, threading.Event(), []

    def run(self):
        while not self.stop.wait(0.2):
            if os.path.exists(self.pid_file):
                time.sleep(2)
                pid = int(open(self.pid_file).read().strip())
                self.killed.append(executor_pids().get(pid))
                print(f"  killer: SIGKILL executor {self.killed[-1]} (pid {pid}) with ample headroom", flush=True)
                os.kill(pid, signal.SIGKILL)
                return


def run_case(case, mode, extra, helper=None):
    out = os.path.join(work, f"{case}.jsonl")
    conf = {"spark.executor.memory": f"{EXECUTOR_MEMORY_MIB}m", "spark.task.maxFailures": "4",
            "spark.executor.extraJavaOptions": "-XX:MaxDirectMemorySize=4g"}
    conf.update(extra)
    with open(os.path.join(work, f"{case}-collector.log"), "w") as clog:
        col = cluster.Collector(collector_bin, out, clog)
        if helper:
            helper.start()
        try:
            rc, output = cluster.submit(spark_home, jar, f"http://127.0.0.1:{col.port}", os.path.join(HERE, "job.py"),
                                        extra=conf, jars=[die_jar], args=[mode], timeout=600)
        finally:
            if helper:
                helper.stop.set()
            col.stop()
    open(os.path.join(work, f"{case}-submit.log"), "w").write(output)
    verdicts = [m.groups() + (m.group(0),) for m in VERDICT.finditer(output)]
    for line in output.splitlines():
        if "sparkotel verdict" in line:
            print("   ", line.split("WARN ", 1)[-1], flush=True)
    lost = {}
    if os.path.exists(out):
        for p in otlp.read(out).values():
            for pt in p.series("sparkotel.executor.lost"):
                lost[pt.attrs.get("sparkotel.loss.cause")] = pt.value
    check(f"{case}: the job finishes after the loss", rc == 0 and cluster.field(output, "RESULT") == "ok",
          f"rc={rc}, see {work}/{case}-submit.log")
    return verdicts, lost


def expect(case, verdicts, lost, cause, component=None, stage_desc="deadly"):
    check(f"{case}: exactly one verdict (the other executor and the application's end give none)",
          len(verdicts) == 1, str(verdicts))
    if not verdicts:
        return
    ex, got_cause, got_component, stages, age, line = verdicts[0]
    check(f"{case}: cause {cause}", got_cause == cause, f"got {got_cause}")
    if component:
        check(f"{case}: component {component}", got_component == component, f"got {got_component}")
    if stage_desc:
        check(f"{case}: the stage at the peak is the deadly one", stages != "" and stage_desc in line, line)
    check(f"{case}: last sample {age} ms before the loss (<= 1000)", 0 <= int(age) <= 1000, age)
    check(f"{case}: sparkotel.executor.lost counted the cause", lost.get(cause, 0) >= 1, str(lost))


print(f">> death suite [{label}]: local-cluster[2,1,1024], executors of {EXECUTOR_MEMORY_MIB} MiB", flush=True)

v, lost = run_case("heap", "heap", {})
expect("heap", v, lost, "heap", "heap")

why_not = cgroups.unavailable()
if why_not:
    print(f"  SKIP [{label}] cgroup: {why_not}", flush=True)
else:
    with cgroups.Wrapper(os.path.join(work, "jdk"), CGROUP_LIMIT_MIB * MiB) as wrapper:
        v, lost = run_case("cgroup", "direct", {"spark.executorEnv.JAVA_HOME": wrapper.java_home})
        expect("cgroup", v, lost, "container_memory", "direct_buffers")
        check("cgroup: the kernel's OOM killer ended the executor", wrapper.oom_kills() >= 1, f"{wrapper.oom_kills()} kills")

dog = Watchdog(BUDGET_MIB * MiB)
v, lost = run_case("python", "python", {}, helper=dog)
check("python: the watchdog killed an executor", len(dog.killed) >= 1, str(dog.killed))
expect("python", v, lost, "container_memory", "python")

pid_file = os.path.join(work, "sleep.pid")
killer = Killer(pid_file)
v, lost = run_case("sigkill", "sleep", {"spark.executorEnv.SPARKOTEL_DEATH_PID_FILE": pid_file}, helper=killer)
expect("sigkill", v, lost, "not_memory")

passed = sum(results)
print(f"death suite [{label}]: evidence in {work}")
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
