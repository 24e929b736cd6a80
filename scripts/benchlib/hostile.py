"""A stranger's worst small request: one GET whose recap holds 50,000 empty book objects (about 450 KB of URL).

Measured against a running server (fake driver): the time to its 400, the size of that answer, how slowly /health
answers meanwhile (polled back to back from another thread), the server's peak RSS and its longest log line.
Before the fix (issue 9) these were 4.6 s, 49.9 MB, 4.6 s, 337 MB and 23.9 MB.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scripts.benchlib.common import WORK
from tests.support.huge_request import send_fifty_thousand_books
from tests.support.server import start_server


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def measure() -> dict[str, Any]:
    server = start_server(WORK / "hostile", fake_driver="ok")
    try:
        result = send_fifty_thousand_books(server)
        longest = max(len(json.dumps(line)) for line in server.logs())
        rss = peak_rss_mb(server.process.pid)
    finally:
        server.stop()
    return {
        "request_bytes": result.request_bytes,
        "status": result.status,
        "seconds": result.seconds,
        "answer_bytes": len(result.answer),
        "health_max": max(result.health_seconds),
        "health_polls": len(result.health_seconds),
        "peak_rss_mb": rss,
        "longest_log_line": longest,
    }
