"""The service end to end: GET /render-stream until `complete`, with the times of the first events."""

from __future__ import annotations

from typing import Any

from scripts.benchlib.common import WORK, median
from tests.support.recaps import load_recap
from tests.support.server import ServerProcess, start_server
from tests.support.sse_client import open_stream, read_events, stream_url


def start_real_server(name: str, **env: str) -> ServerProcess:
    """A server with the real driver, local storage; returns once its bundle is built (a warm server)."""
    server = start_server(WORK / name, fake_driver=None, **env)
    server.wait_for_log("bundled", timeout=300)
    return server


def timed_stream(server: ServerProcess, recap: dict[str, Any]) -> dict[str, float]:
    """Seconds from the request to the first progress event, to progress 25, and to complete."""
    stream = open_stream(server.port, stream_url(recap), timeout=600)
    read_events(stream)
    if not stream.events or stream.events[-1].name != "complete":
        raise RuntimeError(f"the render did not complete: {stream.events[-1:] or stream.body!r}")
    at = {event.data["progress"]: event.at for event in stream.events if event.name == "progress"}
    return {
        "first_progress": stream.events[0].at - stream.started,
        "progress_25": at[25] - stream.started,
        "complete": stream.events[-1].at - stream.started,
    }


def measure(recap_name: str, runs: int, extra_recap: str | None = None) -> dict[str, Any]:
    server = start_real_server("service")
    try:
        results = []
        for run in range(runs):
            recap = load_recap(recap_name)
            recap["userId"] = f"bench-{run}"  # distinct jobs: identical requests would share one render
            results.append(timed_stream(server, recap))
        extra = None
        if extra_recap:
            recap = load_recap(extra_recap)
            recap["userId"] = "bench-extra"
            extra = timed_stream(server, recap)
        render_seconds = [line["render_seconds"] for line in server.logs("rendered")]
    finally:
        server.stop()
    return {
        "recap": recap_name,
        "runs": results,
        "complete_median": median([r["complete"] for r in results]),
        "first_progress": [r["first_progress"] for r in results],
        "progress_25": [r["progress_25"] for r in results],
        "extra_recap": extra_recap,
        "extra": extra,
        "render_seconds": render_seconds,
    }
