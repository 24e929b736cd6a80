"""Prometheus metrics of the render service: counters and histograms moved by the job manager, gauges read from
the job store and the app.

The job manager tells its observers of every start and end (`JobObserver`); `RenderMetrics` is one. A failed
render is counted once, under its FailureReason (timeout, shutdown, orphaned, cancelled, render, bundling, upload,
internal); a job cancelled while still queued counts as failed without having started, and a job whose worker
stopped renewing its lease counts as a takeover when it is put back in the queue. A chunk of a render rendered by
another worker (CHUNK_FLEET) is a job too, but not a render: it counts only in `chunk_jobs_finished` (a chunk its
coordinator took back ends `cancelled`), so the render counters, the lanes' throughput and the failure-rate alert
count what readers asked for. Queue length (in all and by lane), the age of each lane's oldest waiting job, running
renders, open streams and whether the store answers are gauges read when /metrics is scraped, from what the store
last saw (a Redis store refreshes it every second).

Each app owns its registry (never prometheus_client's global one), so several apps in one process, as in tests,
do not collide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from .errors import FailureReason
from .jobs.model import LANES

if TYPE_CHECKING:
    from .jobs.model import Job
    from .render.pipeline import Outcome

NAMESPACE = "tornado_render"
# Renders take seconds to minutes (an empty month on a fast machine ~5 s, fifty books several minutes) and are
# cut off at RENDER_TIMEOUT_SECONDS (900 s by default).
RENDER_BUCKETS = (2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0, 600.0, 900.0)
# Uploads go from a local copy (milliseconds) to a slow S3 link (a minute for a large video).
UPLOAD_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)

FAILURE_REASONS = tuple(reason.value for reason in FailureReason)
CHUNK_OUTCOMES = ("completed", "failed", "cancelled")


class RenderMetrics:
    """The service's metrics in a registry of their own, and a JobObserver that moves them."""

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
        self.finished_by_lane = Counter(
            "jobs_finished",
            "Rendered jobs that ended, by the lane they were taken from and how they ended (completed or failed):"
            " the batch lane's rate is batch throughput.",
            ["lane", "outcome"],
            namespace=NAMESPACE,
            registry=self.registry,
        )
        for lane in LANES:
            for outcome in ("completed", "failed"):
                self.finished_by_lane.labels(lane=lane, outcome=outcome)
        self.chunks_finished = Counter(
            "chunk_jobs_finished",
            "Chunks of a render that ended as jobs of their own (CHUNK_FLEET), by outcome: completed, failed, or"
            " cancelled (taken back by the render's coordinator, or the render stopped).",
            ["outcome"],
            namespace=NAMESPACE,
            registry=self.registry,
        )
        for end in CHUNK_OUTCOMES:
            self.chunks_finished.labels(outcome=end)
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
        self.fleet_queue_length = Gauge(
            "fleet_queue_length",
            "Jobs waiting for a render slot in the whole fleet (the number to scale workers on).",
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.fleet_running = Gauge(
            "fleet_renders_running", "Renders running in the whole fleet.", namespace=NAMESPACE, registry=self.registry
        )
        self.fleet_queue_length_by_lane = Gauge(
            "fleet_queue_length_by_lane",
            "Jobs waiting in the whole fleet, by lane: interactive (readers' requests, taken first) or batch.",
            ["lane"],
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.fleet_queue_oldest = Gauge(
            "fleet_queue_oldest_seconds",
            "Seconds since the oldest job waiting in the lane was created (0 when none waits).",
            ["lane"],
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.lease_takeovers = Counter(
            "lease_takeovers",
            "Running jobs put back in the queue because their worker stopped renewing its lease (it died).",
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.redis_up = Gauge(
            "redis_up",
            "1 when the job store answered its last heartbeat, else 0 (Redis); always 1 with the in-process store.",
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.open_streams = Gauge(
            "open_streams", "Open /render-stream connections.", namespace=NAMESPACE, registry=self.registry
        )

    def watch(
        self,
        *,
        queued: Callable[[], float],
        running: Callable[[], float],
        open_streams: Callable[[], float],
        fleet: Callable[[], tuple[int, int]] | None = None,
        lanes: Callable[[], dict[str, tuple[int, float]]] | None = None,
        store_up: Callable[[], bool] | None = None,
    ) -> None:
        """Read the gauges from these functions at every scrape (the job store and the AppState own the numbers)."""
        self.queue_length.set_function(queued)
        self.running.set_function(running)
        self.open_streams.set_function(open_streams)
        if fleet is not None:
            self.fleet_queue_length.set_function(lambda: fleet()[0])
            self.fleet_running.set_function(lambda: fleet()[1])
        if lanes is not None:
            for lane in lanes():
                self.fleet_queue_length_by_lane.labels(lane=lane).set_function(_reading(lanes, lane, 0))
                self.fleet_queue_oldest.labels(lane=lane).set_function(_reading(lanes, lane, 1))
        if store_up is not None:
            self.redis_up.set_function(lambda: float(store_up()))

    def job_started(self, job: Job) -> None:
        if job.request.chunk is None:
            self.started.inc()

    def job_succeeded(self, job: Job, outcome: Outcome) -> None:
        if job.request.chunk is not None:
            self.chunks_finished.labels(outcome="completed").inc()
            return
        self.completed.inc()
        self.finished_by_lane.labels(lane=job.lane, outcome="completed").inc()
        self.render_seconds.observe(outcome.render_seconds)
        self.upload_seconds.observe(outcome.upload_seconds)

    def job_failed(self, job: Job, reason: FailureReason) -> None:
        if job.request.chunk is not None:
            end = "cancelled" if reason is FailureReason.CANCELLED else "failed"
            self.chunks_finished.labels(outcome=end).inc()
            return
        self.failed.labels(reason=reason.value).inc()
        self.finished_by_lane.labels(lane=job.lane, outcome="failed").inc()

    def jobs_taken_over(self, jobs: list[Job]) -> None:
        self.lease_takeovers.inc(len(jobs))

    def exposition(self) -> tuple[bytes, str]:
        """The registry in Prometheus' text format, and its Content-Type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def _reading(lanes: Callable[[], dict[str, tuple[int, float]]], lane: str, at: int) -> Callable[[], float]:
    """A gauge's reader of one number of one lane's: (waiting jobs, oldest's age)[at]."""
    return lambda: lanes()[lane][at]
