"""Chunks over the fleet (CHUNK_FLEET, tornado_render/fleet_chunks.py), through the whole service: five-books from
request to `complete`, whole on one worker pinned to core 0, against two chunks on two workers (the coordinator
pinned to core 0, a second worker to core 1), on one Redis and S3 (moto): chunk jobs through the queue, a chunk's
videos through S3, the join and the upload all counted. Each instance is pinned after it starts (the drivers and
browsers it starts inherit its core); redis-server and moto run unpinned (they are light)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from scripts.benchlib.common import WORK, fmt, median
from scripts.benchlib.fleet import BUCKET, fleet_env
from tests.support.moto_server import start_moto
from tests.support.recaps import distinct_recap
from tests.support.redis_server import start_redis
from tests.support.server import ServerProcess, start_server
from tests.support.sse_client import run_stream
from tests.support.stills import seed_bundle_cache

# five-books is 1,020 frames: two chunks.
CHUNK_FRAMES = "510"
TABS = "2"  # a core's share of the service's default tabs (cores + 1)


def _pinned(server: ServerProcess, core: int) -> ServerProcess:
    os.sched_setaffinity(server.process.pid, {core})
    return server


def _one_run(mode: str, index: int, bundles: Path, redis: Any, moto: Any) -> dict[str, Any]:
    env = {"BUNDLE_DIR": str(bundles), "MAX_CONCURRENT_RENDERS": "1", "RENDER_CONCURRENCY": TABS}
    workdir = WORK / f"fleet-chunks-{mode.replace(' ', '-')}-{index}"
    started_servers = []
    try:
        if mode == "whole":
            first = _pinned(start_server(workdir / "a", **fleet_env(redis, moto, **env)), 0)
            started_servers.append(first)
        else:
            chunked = {**env, "CHUNK_FLEET": "on", "CHUNK_FRAMES": CHUNK_FRAMES, "CHUNK_MIN_FRAMES": "0"}
            first = _pinned(start_server(workdir / "a", **fleet_env(redis, moto, **chunked)), 0)
            started_servers.append(first)
            helper = start_server(workdir / "b", **fleet_env(redis, moto, ROLE="worker", **env))
            started_servers.append(_pinned(helper, 1))
        recap = distinct_recap("five-books", f"Fleet{mode.title().replace(' ', '')}{index}")
        started = time.monotonic()
        stream = run_stream(first.port, recap, timeout=900)
        seconds = time.monotonic() - started
        assert stream.names[-1] == "complete", stream.events[-3:]
        joined = first.logs("chunks_joined")
        return {
            "seconds": seconds,
            "join_seconds": joined[0]["join_seconds"] if joined else None,
            "taken_back": [line["chunk"] for line in first.logs("chunk_taken_back")],
            "stored_by_helper": [line["chunk"] for line in started_servers[-1].logs("chunk_stored")],
            "load": os.getloadavg()[0],
        }
    finally:
        for server in started_servers:
            server.stop()


def measure(bundle: str, rounds: int = 2) -> dict[str, Any]:
    """`rounds` of each, alternating; the ratio of the medians."""
    bundles = seed_bundle_cache(WORK / "fleet-chunks-bundles", Path(bundle))
    redis = start_redis(WORK / "fleet-chunks-redis")
    moto = start_moto()
    moto.create_bucket(BUCKET)
    runs: dict[str, list[dict[str, Any]]] = {"whole": [], "two workers": []}
    try:
        for index in range(rounds):
            for mode in runs:
                runs[mode].append(_one_run(mode, index, bundles, redis, moto))
    finally:
        moto.stop()
        redis.stop()
    whole = median([run["seconds"] for run in runs["whole"]])
    split = median([run["seconds"] for run in runs["two workers"]])
    joins = [run["join_seconds"] for run in runs["two workers"] if run["join_seconds"] is not None]
    return {
        "runs": runs,
        "whole_seconds": whole,
        "chunked_seconds": split,
        "speedup": whole / split,
        "join_seconds": median(joins) if joins else None,
    }


def report_lines(results: dict[str, Any] | None) -> list[str]:
    if not results:
        return []
    ratios = [
        whole["seconds"] / split["seconds"]
        for whole, split in zip(results["runs"]["whole"], results["runs"]["two workers"], strict=True)
    ]
    return [
        f"| chunks over the fleet (CHUNK_FLEET): five-books, request to `complete` through the service, whole on one "
        f"worker pinned to one core / two chunks on two workers pinned to a core each (Redis, S3 by moto; median; "
        f"rounds {', '.join(f'{ratio:.2f}x' for ratio in ratios)}) | {fmt(results['whole_seconds'])} / "
        f"{fmt(results['chunked_seconds'])}: {results['speedup']:.2f}x | >= 1.8x | "
        f"{'met' if results['speedup'] >= 1.8 else '**not met**'} |",
    ]
