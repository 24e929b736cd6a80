"""Priority lanes under a month-end backlog (issue 23's bench): 2,000 batch items queued in Redis, then 20 readers'
requests, on a fleet of two workers (two JobManagers, each with its own RedisJobStore and two render slots) whose
renders are stand-ins of a fixed length (RENDER_SECONDS: the queue is what is measured, not Remotion).

Reported: each reader's start latency (submitted to its render begun), p50 / p99, against the time one render
takes (a reader waits at most for the next free slot: one render, or one chunk once renders are chunked); and the
fleet's throughput (renders finished per second) while only batch items run, and while the readers' requests run
among them, which the lanes must not lower by more than 10 %.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.recaps import distinct_recap
from tests.support.redis_server import start_redis
from tornado_render.jobs.manager import JobManager
from tornado_render.jobs.redis_store import RedisJobStore
from tornado_render.jobs.store import Admission, JobLimits
from tornado_render.recap import RenderRequest
from tornado_render.render.pipeline import Outcome, Report

BATCH_ITEMS = 2000
READERS = 20
RENDER_SECONDS = 0.5
SLOTS_PER_WORKER = 2
WORKERS = 2
WINDOW_SECONDS = 15.0  # each throughput window
READER_EVERY_SECONDS = WINDOW_SECONDS / READERS  # the readers arrive spread over the second window


class StandInRenders:
    """Renders of RENDER_SECONDS that note when each began and ended (monotonic), by month name."""

    def __init__(self) -> None:
        self.began: dict[str, float] = {}
        self.ended: list[tuple[float, str]] = []

    async def __call__(self, request: RenderRequest, report: Report) -> Outcome:
        self.began[request.month_name] = time.monotonic()
        await asyncio.sleep(RENDER_SECONDS)
        self.ended.append((time.monotonic(), request.month_name))
        return Outcome(f"{request.month_name}.mp4", "https://bucket/v.mp4", "videos/v.mp4", 14.0, RENDER_SECONDS, 0.0)

    def finished_between(self, start: float, end: float) -> list[str]:
        return [month for at, month in self.ended if start <= at < end]


async def nothing_stored(request: RenderRequest) -> Outcome | None:
    return None


def _request(tag: str) -> RenderRequest:
    return RenderRequest.from_json({**distinct_recap("one-book", tag), "userId": f"reader-{tag}"})


async def _run(redis_url: str) -> dict[str, Any]:
    admission = Admission(max_running=SLOTS_PER_WORKER, max_queued=BATCH_ITEMS + READERS, max_per_user=10)
    limits = JobLimits(admission, retention_seconds=600, orphan_seconds=3600, lease_seconds=30)
    renders = StandInRenders()
    stores = [RedisJobStore(redis_url, retention_seconds=600, prefix="lanes:") for _ in range(WORKERS + 1)]
    web = JobManager(stores[0], renders, nothing_stored, limits, renders=False)
    workers = [JobManager(store, renders, nothing_stored, limits) for store in stores[1:]]
    try:
        started = time.monotonic()
        for index in range(BATCH_ITEMS):
            await web.submit(_request(f"batch-{index:04d}"), lane="batch", batch_id="month-end")
        queued_seconds = time.monotonic() - started
        for worker in workers:
            await worker.start()
        await asyncio.sleep(RENDER_SECONDS * 2)  # load generation: the slots fill before the first window opens
        batch_only_start = time.monotonic()
        await asyncio.sleep(WINDOW_SECONDS)
        mixed_start = time.monotonic()
        submitted: dict[str, float] = {}
        for index in range(READERS):
            tag = f"reader-{index:02d}"
            submitted[tag] = time.monotonic()
            await web.submit(_request(tag))
            await asyncio.sleep(READER_EVERY_SECONDS)
        mixed_end = time.monotonic()
        deadline = mixed_end + 30
        while any(tag not in renders.began for tag in submitted) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        latencies = sorted(renders.began[tag] - at for tag, at in submitted.items() if tag in renders.began)
        batch_only = renders.finished_between(batch_only_start, mixed_start)
        mixed = renders.finished_between(mixed_start, mixed_end)
        for worker in workers:
            await worker.shutdown(RENDER_SECONDS * 4)
    finally:
        for store in stores:
            await store.close()
    slots = WORKERS * SLOTS_PER_WORKER
    return {
        "batch_items": BATCH_ITEMS,
        "readers": READERS,
        "readers_started": len(latencies),
        "render_seconds": RENDER_SECONDS,
        "slots": slots,
        "queue_seconds": queued_seconds,
        "start_latency_p50": latencies[len(latencies) // 2] if latencies else None,
        "start_latency_p99": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
        if latencies
        else None,
        "start_latency_max": latencies[-1] if latencies else None,
        "throughput_batch_only": len(batch_only) / (mixed_start - batch_only_start),
        "throughput_mixed": len(mixed) / (mixed_end - mixed_start),
        "batch_throughput_mixed": sum(1 for month in mixed if month.startswith("batch-")) / (mixed_end - mixed_start),
        "ideal_throughput": slots / RENDER_SECONDS,
    }


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-lanes-") as folder:
        redis = start_redis(Path(folder) / "redis")
        try:
            return asyncio.run(_run(redis.url))
        finally:
            redis.stop()


def report_lines(lanes: dict[str, Any] | None) -> list[str]:
    """Rows of the results table: readers' start latency behind a backlog, and the fleet's throughput either way."""
    if not lanes:
        return []
    p99, render = lanes["start_latency_p99"], lanes["render_seconds"]
    ratio = lanes["throughput_mixed"] / lanes["throughput_batch_only"]
    return [
        f"| lanes: {lanes['readers']} readers' requests behind {lanes['batch_items']} queued batch items "
        f"({lanes['slots']} slots on 2 workers, stand-in renders of {render:.1f} s): start latency p50 / p99 "
        f"({lanes['readers_started']} started) | {lanes['start_latency_p50'] * 1000:.0f} ms / {p99 * 1000:.0f} ms "
        f"| p99 within one render (chunk) | {'met' if p99 <= render else '**not met**'} |",
        f"| lanes: renders finished per second, batch items only / with the readers among them (of "
        f"{lanes['ideal_throughput']:.0f} possible) | {lanes['throughput_batch_only']:.2f} / "
        f"{lanes['throughput_mixed']:.2f} ({ratio - 1:+.0%}) | within 10 % | "
        f"{'met' if abs(ratio - 1) <= 0.10 else '**not met**'} |",
    ]
