"""The durable queue under a SIGKILL: points the collector acknowledged but had not committed
survive a kill when the deltalake exporter's sending_queue is kept by the file_storage
extension, and are committed exactly once after a restart; with the default in-memory queue
the same points are lost. Run by lakehouse.py, which passes its check and delta-rs counter."""
import os
import signal
import time

from services import Collector, generate

# Batches that never fill nor time out while the test runs, so every acknowledged point is
# still in the queue (not in a table) when the collector is killed.
HOLD = dict(flush="1h", min_size=1_000_000, max_size=1_000_000)
# After the restart: the default's min_size and a short timeout, so the restored queue drains.
DRAIN = dict(flush="200ms", min_size=5000, max_size=200_000)


def exporter(lake, storage, flush, min_size, max_size):
    return (f"  deltalake/local:\n    path: \"{lake}\"\n    sending_queue:\n"
            + ("      storage: file_storage\n" if storage else "")
            + f"      batch:\n        flush_timeout: {flush}\n        min_size: {min_size}\n"
            f"        max_size: {max_size}\n")


def file_storage(directory):
    return f"  file_storage:\n    directory: \"{directory}\"\n    create_directory: true\n"


def committed(lake):
    """Tables with any commit: none before the restart means the kill caught every point in the queue."""
    return [t for t in sorted(os.listdir(lake)) if os.path.isdir(os.path.join(lake, t, "_delta_log"))] \
        if os.path.isdir(lake) else []


def kill_then_restart(collector_bin, otlpgen, work, name, storage, check):
    """Sends 100 requests, all acknowledged; SIGKILLs the collector before any commit; restarts it
    on the same lake and queue directory and returns it running."""
    lake, queue = os.path.join(work, f"{name}-lake"), os.path.join(work, f"{name}-queue")
    ext = file_storage(queue) if storage else ""
    c = Collector(collector_bin, work, f"{name}-held", exporter(lake, storage, **HOLD), extensions=ext)
    sent = generate(otlpgen, c.endpoint, name, requests=100, every="5ms")
    check(f"{name}: every request acknowledged", sent["failed_requests"] == 0 and sum(
        v for k, v in sent.items() if k.startswith("otel_")) > 0, sent)
    c.stop(signal.SIGKILL)
    check(f"{name}: killed before any commit (the points were only in the queue)", committed(lake) == [],
          committed(lake))
    c = Collector(collector_bin, work, f"{name}-restarted", exporter(lake, storage, **DRAIN), extensions=ext)
    return c, lake, ext, {k: v for k, v in sent.items() if k.startswith("otel_")}


def run(collector_bin, otlpgen, work, check, counts):
    print(">> SIGKILL with acknowledged points still queued: file_storage keeps them, memory does not", flush=True)
    c, lake, _, sent = kill_then_restart(collector_bin, otlpgen, work, "memq", False, check)
    check("memq: restarted collector, graceful stop", c.stop() == 0, c.logtext()[-1500:])
    check("memory queue: the acknowledged points are lost by the kill", committed(lake) == [], committed(lake))

    c, lake, ext, sent = kill_then_restart(collector_bin, otlpgen, work, "fileq", True, check)
    table = lambda t: os.path.join(lake, f"otel_metrics_{t}")  # noqa: E731
    # A graceful stop leaves in the queue what was not yet read from it, so wait for the drain.
    deadline = time.time() + 60
    while time.time() < deadline and not (len(committed(lake)) == len(sent)
                                          and {t: r for t, (r, _) in counts(table).items()} == sent):
        time.sleep(0.5)
    check("fileq: restarted collector, graceful stop", c.stop() == 0, c.logtext()[-1500:])
    got = counts(table) if len(committed(lake)) == len(sent) else {}
    check("file_storage queue: after restart every acknowledged point is in the tables exactly once",
          got and all(got[t] == (n, n) for t, n in sent.items()), f"(rows, distinct) {got} vs sent {sent}")
    # A queue that forgot to delete what it delivered would deliver it again on the next start.
    c = Collector(collector_bin, work, "fileq-again", exporter(lake, True, **DRAIN), extensions=ext)
    check("file_storage queue: a later restart, graceful stop", c.stop() == 0, c.logtext()[-1500:])
    again = counts(table) if got else {}
    check("file_storage queue: a later restart delivers nothing twice", got and again == got, f"{again} != {got}")
