"""A stranger's worst small request: one GET whose recap holds 50,000 empty book objects (about 450 KB of URL),
sent to a running server while another thread polls /health back to back. The test checks it; the bench measures
it (issue 9: before the fix, 4.6 s to the 400, a 49.9 MB answer, /health stalled as long)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote

from tests.support.recaps import load_recap
from tests.support.server import ServerProcess


@dataclass(frozen=True)
class HugeRequestResult:
    request_bytes: int
    status: int
    seconds: float
    answer: bytes
    health_seconds: list[float]


def send_fifty_thousand_books(server: ServerProcess) -> HugeRequestResult:
    recap = load_recap("three-books")
    recap["data"]["books"] = [{}] * 50_000
    target = "/render-stream?data=" + quote(json.dumps(recap, separators=(",", ":")))
    health: list[float] = []
    done = threading.Event()

    def poll_health() -> None:
        while not done.is_set():
            started = time.monotonic()
            server.request("GET", "/health", timeout=30)
            health.append(time.monotonic() - started)

    poller = threading.Thread(target=poll_health)
    poller.start()
    try:
        started = time.monotonic()
        status, _, answer = server.request("GET", target, timeout=60)
        seconds = time.monotonic() - started
    finally:
        done.set()
        poller.join()
    return HugeRequestResult(len(target), status, seconds, answer, health)
