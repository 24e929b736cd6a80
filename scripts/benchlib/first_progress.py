"""How fast a stream starts moving: the first `progress` event and `progress 25`, with a warm bundle."""

from __future__ import annotations

from typing import Any

from scripts.benchlib.common import WORK, median, percentile
from scripts.benchlib.service import timed_stream
from tests.support.recaps import load_recap
from tests.support.server import start_server


def measure(requests: int = 20) -> dict[str, Any]:
    server = start_server(WORK / "first-progress", fake_driver="ok")
    try:
        server.wait_for_log("bundled", timeout=120)
        results = []
        for index in range(requests):
            recap = load_recap("one-book")
            recap["userId"] = f"first-{index}"
            results.append(timed_stream(server, recap))
    finally:
        server.stop()
    first = [r["first_progress"] for r in results]
    p25 = [r["progress_25"] for r in results]
    return {
        "requests": requests,
        "first_p50": median(first),
        "first_p95": percentile(first, 0.95),
        "p25_p50": median(p25),
        "p25_p95": percentile(p25, 0.95),
    }
