"""A fleet on Redis (issue 11): what Redis adds to event delivery, a fan-out split over two web instances, the time
to answer a recap whose video is stored, and renders per hour with one and with two workers.

Every part runs on this one machine: a redis-server on a loopback port, instances as child processes, moto for S3
where the fleet needs a shared storage. The fake driver notes the wall time of each progress report it writes
(FAKE_DRIVER_EMIT_LOG), so a client's delivery latency is the time it read an event minus the time the driver wrote
it; the same measurement on a server without Redis is the baseline.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from scripts.benchlib.common import WORK, median, percentile
from scripts.benchlib.fanout import client as fanout_client
from tests.support.moto_server import MotoServer, start_moto
from tests.support.recaps import distinct_recap, load_recap
from tests.support.redis_server import RedisServer, start_redis
from tests.support.server import ServerProcess, start_server
from tests.support.sse_client import open_stream, read_events, run_stream, stream_url
from tests.support.stills import seed_bundle_cache

BUCKET = "bench"
SECRET = "bench-video-key-secret-0123456789abcdef"


def fleet_env(redis: RedisServer | None, moto: MotoServer | None, **env: str) -> dict[str, str]:
    settings = {"VIDEO_KEY_SECRET": SECRET, **env}
    if redis is not None:
        settings["REDIS_URL"] = redis.url
    if moto is not None:
        settings.update(moto.server_env(BUCKET))
    return settings


def delivery(redis: RedisServer, jobs: int = 30) -> dict[str, Any]:
    """Per-event latency, driver write -> client read, without Redis and through Redis (client on a web instance,
    render on another instance); `jobs` jobs of three timed events each."""
    results = {}
    for label in ("memory", "redis"):
        emit_log = WORK / f"delivery-{label}.emits"
        emit_log.unlink(missing_ok=True)
        extra = {"FAKE_DRIVER_EMIT_LOG": str(emit_log)}
        if label == "memory":
            worker = web = start_server(WORK / "delivery-memory", fake_driver="ok", **fleet_env(None, None, **extra))
            started: list[ServerProcess] = [worker]
        else:
            worker = start_server(WORK / "delivery-worker", fake_driver="ok", **fleet_env(redis, None, **extra))
            web = start_server(WORK / "delivery-web", fake_driver="ok", **fleet_env(redis, None, ROLE="web"))
            started = [worker, web]
        try:
            worker.wait_for_log("bundled", timeout=120)
            received: dict[tuple[str, float], float] = {}
            for index in range(jobs):
                recap = distinct_recap("one-book", f"Delivery{label}{index}")
                recap["userId"] = f"delivery-{index}"
                stream = run_stream(web.port, recap, timeout=60)
                for event in stream.events:
                    if event.name == "progress" and event.data["progress"] in (63, 80, 100):
                        received[(recap["data"]["meta"]["monthName"], float(event.data["progress"]))] = event.at
            emitted = [line.split() for line in emit_log.read_text().splitlines()]
        finally:
            for server in started:
                server.stop()
        latencies = _latencies(emitted, received)
        results[label] = {"p50": median(latencies), "p99": percentile(latencies, 0.99), "events": len(latencies)}
    results["added_p50"] = results["redis"]["p50"] - results["memory"]["p50"]
    results["added_p99"] = results["redis"]["p99"] - results["memory"]["p99"]
    return results


def _latencies(emitted: list[list[str]], received: dict[tuple[str, float], float]) -> list[float]:
    """Read time minus write time, per event. The emit log has `<progress> <wall time>` lines in job order, and the
    client's monotonic reading times are turned into wall times with one offset taken now."""
    offset = time.time() - time.monotonic()
    by_progress: dict[float, list[float]] = {}
    for progress, wall in emitted:
        by_progress.setdefault({0.5: 63.0, 0.73: 80.0, 1.0: 100.0}[float(progress)], []).append(float(wall))
    latencies = []
    for overall, walls in by_progress.items():
        reads = sorted(at + offset for (_, value), at in received.items() if value == overall)
        latencies += [read - wall for read, wall in zip(reads, sorted(walls), strict=False)]
    return latencies


def fanout(redis: RedisServer, clients: int = 1000) -> dict[str, Any]:
    """`clients` streams of one job, half on each of two web instances; the job renders on a worker."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, clients * 2 + 200)), hard))
    gate = WORK / "fleet-fanout-gate"
    gate.mkdir(exist_ok=True)
    emit_log = WORK / "fleet-fanout-emits"
    extra = {"FAKE_DRIVER_GATE": str(gate), "FAKE_DRIVER_EMIT_LOG": str(emit_log)}
    worker = start_server(WORK / "fanout-worker", fake_driver="ok", **fleet_env(redis, None, ROLE="worker", **extra))
    webs = [
        start_server(WORK / f"fanout-web{i}", fake_driver="ok", **fleet_env(redis, None, ROLE="web")) for i in range(2)
    ]
    try:
        worker.wait_for_log("bundled", timeout=120)
        path = "/render-stream?data=" + quote(json.dumps(distinct_recap("one-book", "FleetFanout")), safe="")
        received = asyncio.run(_split_clients([web.port for web in webs], path, clients, lambda: _open(gate)))
        emitted = {float(p): float(t) for p, t in (line.split() for line in emit_log.read_text().splitlines())}
    finally:
        for server in (*webs, worker):
            server.stop()
    latencies = [at - emitted[1.0] for at in received]
    return {"clients": clients, "p50": median(latencies), "p99": percentile(latencies, 0.99), "max": max(latencies)}


def _open(gate: Path) -> None:
    (gate / "FleetFanout").touch()


async def _split_clients(ports: list[int], path: str, clients: int, open_gate: Any) -> list[float]:
    attached = asyncio.Event()
    counter = [0]
    tasks = [
        asyncio.ensure_future(fanout_client(ports[index % len(ports)], path, attached, counter, clients))
        for index in range(clients)
    ]
    await asyncio.wait_for(attached.wait(), 120)
    open_gate()
    return list(await asyncio.wait_for(asyncio.gather(*tasks), 120))


def cache_hits(redis: RedisServer, moto: MotoServer, requests: int = 50) -> dict[str, Any]:
    """Request -> `complete` for a recap whose video is stored: with Redis and S3 (moto), and with the in-process
    store and local storage; after a first render, on a freshly started instance (nothing in memory)."""
    results = {}
    retention = {"JOB_RETENTION_SECONDS": "1"}  # the job itself is forgotten at once: the stored video answers
    for label, store, storage in (("redis+s3", redis, moto), ("memory+local", None, None)):
        name = f"cache-{label}"
        first = start_server(WORK / f"{name}-a", fake_driver="ok", **fleet_env(store, storage, **retention))
        try:
            recap = distinct_recap("one-book", f"Cached{label}")
            assert run_stream(first.port, recap, timeout=60).names[-1] == "complete"
        finally:
            first.stop()
        time.sleep(1.5)  # the retention of the job in Redis runs out (a bench's setup, not a measurement)
        again_env = fleet_env(store, storage, **retention)
        if storage is None:  # the same disk: the in-process store restarted on the same directories
            again_env |= {k: first.env[k] for k in ("OUTPUT_DIR", "LOCAL_STORAGE_DIR", "BUNDLE_DIR")}
        again = start_server(WORK / f"{name}-b", fake_driver="ok", **again_env)
        try:
            times = []
            for _ in range(requests):
                started = time.monotonic()
                stream = open_stream(again.port, stream_url(recap), timeout=30)
                read_events(stream)
                assert stream.names == ["complete"], stream.names
                times.append(time.monotonic() - started)
            renders = len(again.logs("render_started"))
        finally:
            again.stop()
        results[label] = {"p50": median(times), "p99": percentile(times, 0.99), "renders": renders}
    return results


def throughput(redis: RedisServer, moto: MotoServer, bundle: str, renders: int = 4) -> dict[str, Any]:
    """Real renders per hour of one-book with one worker (MAX_CONCURRENT_RENDERS=1) and with two, same machine; the
    workers start with `bundle` ready, so no bundle build is counted."""
    results = {}
    bundles = seed_bundle_cache(WORK / "tp-bundles", Path(bundle))
    for workers in (1, 2):
        web = start_server(WORK / f"tp{workers}-web", fake_driver=None, **fleet_env(redis, moto, ROLE="web"))
        pool = [
            start_server(
                WORK / f"tp{workers}-worker{i}",
                fake_driver=None,
                **fleet_env(redis, moto, ROLE="worker", MAX_CONCURRENT_RENDERS="1", BUNDLE_DIR=str(bundles)),
            )
            for i in range(workers)
        ]
        try:
            started = time.monotonic()
            streams = []
            for index in range(renders):
                recap = load_recap("one-book")
                recap["userId"] = f"throughput-{workers}-{index}"
                streams.append(open_stream(web.port, stream_url(recap), timeout=900))
            for stream in streams:
                assert read_events(stream).names[-1] == "complete"
            seconds = time.monotonic() - started
        finally:
            for server in (*pool, web):
                server.stop()
        results[str(workers)] = {"seconds": seconds, "renders_per_hour": renders * 3600 / seconds}
    cores = len(list(Path("/sys/devices/system/cpu").glob("cpu[0-9]*")))
    results["per_core_per_hour"] = results["1"]["renders_per_hour"] / max(1, cores)
    return results


def measure(bundle: str, clients: int = 1000) -> dict[str, Any]:
    redis = start_redis(WORK / "redis")
    moto = start_moto()
    moto.create_bucket(BUCKET)
    try:
        return {
            "delivery": delivery(redis),
            "fanout": fanout(redis, clients),
            "cache": cache_hits(redis, moto),
            "throughput": throughput(redis, moto, bundle),
        }
    finally:
        moto.stop()
        redis.stop()


def report_lines(results: dict[str, Any]) -> list[str]:
    """Rows of the results table for the fleet."""
    delivery_, fan, cache, tp = results["delivery"], results["fanout"], results["cache"], results["throughput"]

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f} ms"

    def met(ok: bool) -> str:
        return "met" if ok else "**not met**"

    return [
        f"| fleet: event delivery without Redis, p50 / p99 ({delivery_['memory']['events']} events) | "
        f"{ms(delivery_['memory']['p50'])} / {ms(delivery_['memory']['p99'])} | | |",
        f"| fleet: event delivery through Redis (client on another instance), p50 / p99 | "
        f"{ms(delivery_['redis']['p50'])} / {ms(delivery_['redis']['p99'])} | | |",
        f"| fleet: latency Redis adds, p50 / p99 | {ms(delivery_['added_p50'])} / {ms(delivery_['added_p99'])} | "
        f"p99 <= 50 ms | {met(delivery_['added_p99'] <= 0.05)} |",
        f"| fleet: fan-out, {fan['clients']} clients over two web instances: p50 / p99 / max | "
        f"{ms(fan['p50'])} / {ms(fan['p99'])} / {ms(fan['max'])} | p99 <= 500 ms | {met(fan['p99'] <= 0.5)} |",
        *(
            f"| fleet: stored video (cache hit), {label}: request to `complete` p50 / p99, renders started | "
            f"{ms(row['p50'])} / {ms(row['p99'])}, {row['renders']} | p99 <= 150 ms | {met(row['p99'] <= 0.15)} |"
            for label, row in cache.items()
        ),
        f"| fleet: one-book renders per hour, one worker / two workers (this machine) | "
        f"{tp['1']['renders_per_hour']:.0f} / {tp['2']['renders_per_hour']:.0f} | same (two cores) | |",
        f"| fleet: renders per hour per core (one-book) | {tp['per_core_per_hour']:.0f} | | |",
    ]
