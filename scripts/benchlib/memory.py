"""Peak memory of one render, whole process tree: the server, node, and Chromium with its helpers.

Sampled every 100 ms. PSS (proportional set size) counts shared pages once across processes, so the PSS sum is
the machine's real cost; the RSS sum over-counts shared libraries and is shown for comparison.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from scripts.benchlib.service import start_real_server, timed_stream
from tests.support.recaps import load_recap
from tornado_render.render.processes import pids_with_marker


def _kb(pid: int, name: str, filename: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{filename}").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def measure(recap_name: str) -> dict[str, Any]:
    server = start_real_server("memory")
    peak = {"pss": 0, "rss": 0, "processes": 0}
    done = threading.Event()
    markers: list[str] = []

    def sample() -> None:
        while not done.wait(0.1):
            if not markers:
                started = server.logs("driver_started")
                if not started:
                    continue
                markers.append(started[0]["marker"])
            pids = [server.process.pid, *pids_with_marker(markers[0])]
            pss = sum(_kb(pid, "Pss", "smaps_rollup") for pid in pids)
            rss = sum(_kb(pid, "VmRSS", "status") for pid in pids)
            if pss > peak["pss"]:
                peak.update(pss=pss, rss=max(rss, peak["rss"]), processes=len(pids))
            peak["rss"] = max(peak["rss"], rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        recap = load_recap(recap_name)
        recap["userId"] = "bench-memory"
        timed_stream(server, recap)
    finally:
        done.set()
        sampler.join(5)
        server.stop()
    return {
        "recap": recap_name,
        "peak_pss_mb": peak["pss"] / 1024,
        "peak_rss_mb": peak["rss"] / 1024,
        "processes_at_peak": peak["processes"],
    }
