"""Watches the executor JVMs of a local-cluster run from outside, in /proc: CPU time, RSS
(peak and steady), threads, and when each process started. Polls every 100 ms."""
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
                p = self.procs.setdefault(int(name), {"start": BOOT + int(stat[19]) / CLK_TCK, "rss": [], "threads": 0})
                p["cpu"] = (int(stat[11]) + int(stat[12])) / CLK_TCK
                p["rss"].append(int(status["VmRSS"].split()[0]) * 1024)
                p["threads"] = max(p["threads"], int(status["Threads"]))
            time.sleep(0.1)

    def summary(self):
        """Totals over the executors: CPU s, peak RSS, steady RSS (median of the second half), max threads."""
        ps = list(self.procs.values())
        steady = [sorted(p["rss"][len(p["rss"]) // 2:])[len(p["rss"][len(p["rss"]) // 2:]) // 2] for p in ps if p["rss"]]
        return {
            "executors": len(ps),
            "cpu_s": sum(p.get("cpu", 0) for p in ps),
            "peak_rss_mb": max((max(p["rss"]) for p in ps if p["rss"]), default=0) / 2**20,
            "steady_rss_mb": (sum(steady) / len(steady) if steady else 0) / 2**20,
            "threads": max((p["threads"] for p in ps), default=0),
            "starts": sorted(p["start"] for p in ps),
        }
