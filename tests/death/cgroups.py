"""Executors started inside memory-limited cgroups, for the death suite's kernel OOM kill.

Spark's standalone Worker runs $JAVA_HOME/bin/java for an executor, taking JAVA_HOME from
spark.executorEnv.JAVA_HOME. Wrapper makes a JAVA_HOME whose bin/java puts itself into a
new child cgroup with the limit and then execs the real java: the whole executor runs inside
it from its first page (memory already in use would stay charged to the old cgroup).
"""
import glob
import os
import shutil
import subprocess
import time

V1 = "/sys/fs/cgroup/memory"


def _own(controller_line_filter):
    for line in open("/proc/self/cgroup"):
        hid, controllers, path = line.rstrip("\n").split(":", 2)
        if controller_line_filter(controllers):
            return path
    return None


def _parent():
    """(version, directory) under which we may make cgroups, or (None, why not)."""
    if os.path.isdir(V1) and os.path.exists(os.path.join(V1, "cgroup.procs")):
        own = _own(lambda c: "memory" in c.split(","))
        return 1, os.path.join(V1, (own or "/").lstrip("/"))
    own = _own(lambda c: c == "")
    base = "/sys/fs/cgroup" + (own or "/")
    if own is not None and os.path.exists(os.path.join(base, "cgroup.subtree_control")):
        if "memory" in open(os.path.join(base, "cgroup.subtree_control")).read().split():
            return 2, base
        return None, f"cgroup v2: the memory controller is not enabled for children of {base}"
    return None, "no memory cgroup controller is mounted"


def unavailable():
    """Why cgroups cannot be used here, or None."""
    version, where = _parent()
    if version is None:
        return where
    probe = os.path.join(where, f"sparkotel-death-probe-{os.getpid()}")
    try:
        os.mkdir(probe)
        os.rmdir(probe)
    except OSError as e:
        return f"cannot make a cgroup under {where}: {e}"
    return None


def _real_java_home():
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return home
    return os.path.dirname(os.path.dirname(os.path.realpath(shutil.which("java"))))


class Wrapper:
    def __init__(self, java_home, limit_bytes):
        self.java_home, self.limit = java_home, limit_bytes
        self.version, parent = _parent()
        self.group = os.path.join(parent, f"sparkotel-death-{os.getpid()}")

    def __enter__(self):
        os.makedirs(self.group)
        if self.version == 2:
            open(os.path.join(self.group, "cgroup.subtree_control"), "w").write("+memory")
        limit_file = "memory.limit_in_bytes" if self.version == 1 else "memory.max"
        os.makedirs(os.path.join(self.java_home, "bin"), exist_ok=True)
        java = os.path.join(self.java_home, "bin", "java")
        if self.version == 2:  # no swap either, so the limit is the whole story
            swap = 'echo 0 > "$group/memory.swap.max" 2>/dev/null'
        else:
            swap = f'echo {self.limit} > "$group/memory.memsw.limit_in_bytes" 2>/dev/null'
        with open(java, "w") as f:
            f.write(f"""#!/bin/sh
# A JVM started in its own cgroup with a {self.limit >> 20} MiB memory limit (the death suite).
group={self.group}/exec-$$
mkdir "$group" && echo {self.limit} > "$group/{limit_file}" && echo $$ > "$group/cgroup.procs" || exit 99
{swap}
exec {_real_java_home()}/bin/java "$@"
""")
        os.chmod(java, 0o755)
        return self

    def oom_kills(self):
        n = 0
        for group in glob.glob(os.path.join(self.group, "exec-*")):
            name = "memory.oom_control" if self.version == 1 else "memory.events"
            try:
                for line in open(os.path.join(group, name)):
                    if line.startswith("oom_kill "):
                        n += int(line.split()[1])
            except OSError:
                pass
        return n

    def __exit__(self, *exc):
        for group in glob.glob(os.path.join(self.group, "exec-*")):
            for pid in open(os.path.join(group, "cgroup.procs")).read().split():
                subprocess.run(["kill", "-9", pid], check=False)
        for group in glob.glob(os.path.join(self.group, "exec-*")) + [self.group]:
            for _ in range(50):
                try:
                    os.rmdir(group)
                    break
                except OSError:
                    time.sleep(0.1)
        return False
