"""Prometheus metrics of the render service, read from the phase logs and from the job table.

The phase logs (`render_started`, `rendered`, `uploaded`, `complete`, `error`, see jobs.py and pipeline.py) are
already the one record of everything a render goes through, so the counters and histograms are fed by a structlog
processor that watches those events (`RenderMetrics` is that processor; logs.configure_logging puts it in the
chain). Nothing in the render path knows about metrics, and a counter cannot disagree with the log. Queue length,
running renders and open streams are gauges read from the AppState when /metrics is scraped.

Each app owns its registry (never prometheus_client's global one), so several apps in one process, as in tests,
do not collide.

A failed render is counted once, under a reason from a small fixed set (`FAILURE_REASONS`) derived from the error
event's phase and client message; a job cancelled while still queued counts as failed without having started.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from structlog.typing import EventDict, WrappedLogger

NAMESPACE = "tornado_render"
# Renders take seconds to minutes (an empty month on a fast machine ~5 s, fifty books several minutes) and are
# cut off at RENDER_TIMEOUT_SECONDS (900 s by default).
RENDER_BUCKETS = (2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0, 600.0, 900.0)
# Uploads go from a local copy (milliseconds) to a slow S3 link (a minute for a large video).
UPLOAD_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)

FAILURE_REASONS = ("timeout", "shutdown", "orphaned", "cancelled", "render", "bundling", "upload", "internal")


def failure_reason(phase: object, reason: object) -> str:
    """The `reason` label of a failed render, from an `error` log event's phase and message.

    The message decides first (a timeout is a timeout in whichever phase), then the phase.
    """
    message = str(reason or "")
    if "shutting down" in message:
        return "shutdown"
    if "no client was attached" in message:
        return "orphaned"
    if "timed out" in message:
        return "timeout"
    return {
        "upload": "upload",
        "bundling": "bundling",
        "rendering": "render",
        "cancelled": "cancelled",
        "queued": "cancelled",
    }.get(str(phase), "internal")


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    return float(value)


class RenderMetrics:
    """The service's metrics in a registry of their own; calling it observes one structlog event."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.started = Counter(
            "renders_started", "Renders that left the queue and began.", namespace=NAMESPACE, registry=self.registry
        )
        self.completed = Counter(
            "renders_completed",
            "Renders whose video was stored and announced (`complete`).",
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.failed = Counter(
            "renders_failed",
            "Jobs that ended with an `error` event, by reason.",
            ["reason"],
            namespace=NAMESPACE,
            registry=self.registry,
        )
        for reason in FAILURE_REASONS:
            self.failed.labels(reason=reason)  # every reason is exported from the start, at 0
        self.render_seconds = Histogram(
            "render_duration_seconds",
            "Wall time of the render phase (driver start to finished video), successful renders only.",
            namespace=NAMESPACE,
            buckets=RENDER_BUCKETS,
            registry=self.registry,
        )
        self.upload_seconds = Histogram(
            "upload_duration_seconds",
            "Wall time of storing a finished video (S3 or local storage), successful uploads only.",
            namespace=NAMESPACE,
            buckets=UPLOAD_BUCKETS,
            registry=self.registry,
        )
        self.queue_length = Gauge(
            "queue_length", "Jobs waiting for a free render slot.", namespace=NAMESPACE, registry=self.registry
        )
        self.running = Gauge("renders_running", "Renders running now.", namespace=NAMESPACE, registry=self.registry)
        self.open_streams = Gauge(
            "open_streams", "Open /render-stream connections.", namespace=NAMESPACE, registry=self.registry
        )

    def watch(
        self, *, queued: Callable[[], float], running: Callable[[], float], open_streams: Callable[[], float]
    ) -> None:
        """Read the gauges from these functions at every scrape (the job table and the AppState own the numbers)."""
        self.queue_length.set_function(queued)
        self.running.set_function(running)
        self.open_streams.set_function(open_streams)

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        """A structlog processor: update the metrics an event stands for; the event goes on unchanged."""
        event: Any = event_dict.get("event")
        if event == "render_started":
            self.started.inc()
        elif event == "complete":
            self.completed.inc()
        elif event == "error":
            self.failed.labels(reason=failure_reason(event_dict.get("phase"), event_dict.get("reason"))).inc()
        elif event == "job_crashed":
            # jobs.py logs an unexpected exception as `job_crashed` (with a traceback) and no `error` event.
            self.failed.labels(reason="internal").inc()
        elif event == "rendered":
            seconds = _seconds(event_dict.get("render_seconds"))
            if seconds is not None:
                self.render_seconds.observe(seconds)
        elif event == "uploaded":
            seconds = _seconds(event_dict.get("upload_seconds"))
            if seconds is not None:
                self.upload_seconds.observe(seconds)
        return event_dict

    def exposition(self) -> tuple[bytes, str]:
        """The registry in Prometheus' text format, and its Content-Type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
