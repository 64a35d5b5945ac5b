"""Watches the executor JVMs of a local-cluster run from outside, in /proc: CPU time, RSS
(peak and steady; steady also its private anonymous part), threads, when each process
started, and the CPU of sparkotel's own threads (named "sparkotel": its Java thread loads
the library, so the Go runtime's threads inherit the name). Polls every 100 ms."""
import os
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
BOOT = next(float(l.split()[1]) for l in open("/proc/stat") if l.startswith("btime"))


class Watch:
    def __init__(self, marker="CoarseGrainedExecutorBackend"):
        self.marker = marker.encode()
        self.procs = {}  # pid -> dict
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()

    def _loop(self):
        while not self._stop.is_set():
            for name in os.listdir("/proc"):
                if not name.isdigit():
                    continue
                try:
                    if self.marker not in open(f"/proc/{name}/cmdline", "rb").read():
                        continue
                    stat = open(f"/proc/{name}/stat").read().rsplit(")", 1)[1].split()
                    status = dict(l.split(":", 1) for l in open(f"/proc/{name}/status") if ":" in l)
                except OSError:
                    continue
                p = self.procs.setdefault(int(name), {"start": BOOT + int(stat[19]) / CLK_TCK, "rss": [], "anon": [],
                                                      "threads": 0, "thread_counts": [], "own_counts": []})
                p["cpu"] = (int(stat[11]) + int(stat[12])) / CLK_TCK
                p["rss"].append(int(status["VmRSS"].split()[0]) * 1024)
                p["anon"].append(int(status.get("RssAnon", "0 kB").split()[0]) * 1024)
                p["threads"] = max(p["threads"], int(status["Threads"]))
                p["thread_counts"].append(int(status["Threads"]))
                p["ours"], live = ours_cpu(int(name), p.setdefault("named", {}), p.get("ours", {}))
                p["own_counts"].append(live)
            time.sleep(0.1)

    def summary(self):
        """Totals over the executors: CPU s, peak RSS, steady RSS and anonymous RSS (median of
        the second half, averaged over the executors), threads (peak, and the median of the second
        half), and how many of them are sparkotel's (median of the second half)."""
        ps = list(self.procs.values())
        steady = [second_half_median(p["rss"]) for p in ps if p["rss"]]
        anon = [second_half_median(p["anon"]) for p in ps if p["anon"]]
        return {
            "executors": len(ps),
            "cpu_s": sum(p.get("cpu", 0) for p in ps),
            "peak_rss_mb": max((max(p["rss"]) for p in ps if p["rss"]), default=0) / 2**20,
            "steady_rss_mb": (sum(steady) / len(steady) if steady else 0) / 2**20,
            "steady_anon_mb": (sum(anon) / len(anon) if anon else 0) / 2**20,
            "threads": max((p["threads"] for p in ps), default=0),
            "steady_threads": max((second_half_median(p["thread_counts"]) for p in ps if p["thread_counts"]), default=0),
            "own_threads": max((second_half_median(p["own_counts"]) for p in ps if p["own_counts"]), default=0),
            "sparkotel_cpu_s": sum(sum(p.get("ours", {}).values()) for p in ps),
            "starts": sorted(p["start"] for p in ps),
        }


def second_half_median(xs):
    half = sorted(xs[len(xs) // 2:])
    return half[len(half) // 2]


def cpu_seconds(pid):
    """CPU time of a process so far (user + system), or 0 once it is gone."""
    try:
        stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(stat[11]) + int(stat[12])) / CLK_TCK


def ours_cpu(pid, named, last):
    """CPU seconds so far of each of pid's threads named "sparkotel" (tid -> s), and how many
    of them are alive now; a thread's name is read once, and an exited thread keeps its last
    reading."""
    cpu = dict(last)
    live = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return cpu, live
    for tid in tids:
        try:
            if tid not in named:
                named[tid] = open(f"/proc/{pid}/task/{tid}/comm").read().strip() == "sparkotel"
            if named[tid]:
                stat = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
                cpu[tid] = (int(stat[11]) + int(stat[12])) / CLK_TCK
                live += 1
        except OSError:
            continue
    return cpu, live
