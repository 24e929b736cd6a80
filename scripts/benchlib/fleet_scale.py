"""What a worker can do per hour, and what of it is not the recap: the fixed cost of a render with a new driver for
every render (WARM_RENDERS=0) and with warm drivers (render/warm.py), and one-book renders per hour of one worker
(MAX_CONCURRENT_RENDERS=1) either way, through the whole service."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tornado.process import Subprocess

from scripts.benchlib.common import REMOTION, WORK, fmt, median, tuned
from tests.support.recaps import load_recap
from tests.support.server import start_server
from tests.support.sse_client import open_stream, read_events, stream_url
from tests.support.stills import seed_bundle_cache
from tornado_render.render.driver import driver_argv, run_driver
from tornado_render.render.warm import DriverPool

MODES = ("one-shot", "warm")
# The driver's timings (ms, remotion/driver/timings.mjs) that make the fixed cost: loading the driver and reading
# the job, starting Chromium, selectComposition.
FIXED = ("startup", "browser", "selectComposition")


def _until_done(started: float, first: list[float]) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """A handler that notes the seconds from `started` to the first render progress in `first`, and returns `done`."""

    def handle(message: dict[str, Any]) -> dict[str, Any] | None:
        if message["type"] == "render-progress" and not first:
            first.append(time.monotonic() - started)
        return message if message["type"] == "done" else None

    return handle


async def _driver_renders(bundle: str, renders: int, warm: bool) -> list[dict[str, Any]]:
    """`renders` one-book videos in a row through run_driver, as the pipeline starts them (new drivers, or one warm
    driver); per render: seconds to the first frame's progress and to `done`, and the driver's timings."""
    argv = driver_argv(None, "node", REMOTION)
    pool = DriverPool(argv, REMOTION, renders + 1) if warm else None
    runs = []
    try:
        for index in range(renders):
            job = {
                "inputProps": load_recap("one-book")["data"],
                "outputPath": str(WORK / f"fixed-{int(warm)}-{index}.mp4"),
                "serveUrl": bundle,
                **tuned(),
            }
            started = time.monotonic()
            first: list[float] = []
            done = await run_driver(argv, job, _until_done(started, first), cwd=REMOTION, timeout=600, pool=pool)
            timings = done.get("timings") or {}
            runs.append(
                {
                    "first_progress": first[0] if first else None,
                    "seconds": time.monotonic() - started,
                    "fixed_ms": sum(timings.get(name) or 0 for name in FIXED),
                    "timings": timings,
                }
            )
    finally:
        if pool is not None:
            await pool.close()
        Subprocess.uninitialize()
    return runs


def warm(bundle: str, renders: int = 4) -> dict[str, Any]:
    """The fixed cost per render (the driver's startup + browser + selectComposition, and seconds to the first
    frame's progress), one-shot and warm; a warm driver's first render pays the start, the others do not."""
    results: dict[str, Any] = {}
    for mode in MODES:
        runs = asyncio.run(_driver_renders(bundle, renders, mode == "warm"))
        later = runs[1:] if mode == "warm" else runs
        results[mode] = {
            "runs": runs,
            "fixed_ms_median": median([run["fixed_ms"] for run in later]),
            "first_progress_median": median([run["first_progress"] for run in later]),
            "seconds_median": median([run["seconds"] for run in later]),
            "first_render_fixed_ms": runs[0]["fixed_ms"],
        }
    return results


def renders_per_hour(bundle: str, renders: int = 4) -> dict[str, Any]:
    """One-book renders per hour of one server rendering one at a time (MAX_CONCURRENT_RENDERS=1), request to
    `complete` for `renders` queued at once, WARM_RENDERS=0 and =20; the bundle is ready (no build counted)."""
    results = {}
    bundles = seed_bundle_cache(WORK / "scale-bundles", Path(bundle))
    for mode, value in (("one-shot", "0"), ("warm", "20")):
        server = start_server(
            WORK / f"scale-{mode}",
            fake_driver=None,
            MAX_CONCURRENT_RENDERS="1",
            USER_MAX_JOBS="50",
            BUNDLE_DIR=str(bundles),
            WARM_RENDERS=value,
        )
        try:
            started = time.monotonic()
            streams = []
            for index in range(renders):
                recap = load_recap("one-book")
                recap["userId"] = f"scale-{mode}-{index}"
                streams.append(open_stream(server.port, stream_url(recap), timeout=900))
            for stream in streams:
                assert read_events(stream).names[-1] == "complete"
            seconds = time.monotonic() - started
        finally:
            server.stop()
        results[mode] = {"seconds": seconds, "renders": renders, "renders_per_hour": renders * 3600 / seconds}
    return results


def measure(bundle: str) -> dict[str, Any]:
    return {"warm": warm(bundle), "throughput": renders_per_hour(bundle)}


def report_lines(results: dict[str, Any]) -> list[str]:
    """Rows of the results table for the fleet's scale."""
    fixed, tp = results["warm"], results["throughput"]
    one, hot = fixed["one-shot"], fixed["warm"]
    return [
        f"| fleet scale: fixed cost per render (driver start + browser + selectComposition), one-shot / warm "
        f"(median; a warm driver's first render {fmt(hot['first_render_fixed_ms'] / 1000)}) | "
        f"{fmt(one['fixed_ms_median'] / 1000)} / {fmt(hot['fixed_ms_median'] / 1000)} | warm <= 300 ms | "
        f"{'met' if hot['fixed_ms_median'] <= 300 else '**not met**'} |",
        f"| fleet scale: one-book, job start to first frame's progress / to `done`, one-shot / warm (driver, median) | "
        f"{fmt(one['first_progress_median'])} / {fmt(hot['first_progress_median'])}; "
        f"{fmt(one['seconds_median'])} / {fmt(hot['seconds_median'])} | | |",
        f"| fleet scale: one-book renders per hour, one worker (MAX_CONCURRENT_RENDERS=1), WARM_RENDERS=0 / 20 "
        f"({tp['warm']['renders']} renders) | {tp['one-shot']['renders_per_hour']:.0f} / "
        f"{tp['warm']['renders_per_hour']:.0f} | | |",
    ]
