"""What a worker can do per hour, and what of it is not the recap: the fixed cost of a render with a new driver for
every render (WARM_RENDERS=0) and with warm drivers (render/warm.py), and one-book renders per hour of one worker
(MAX_CONCURRENT_RENDERS=1) either way, through the whole service; and the capture floor: per-frame wall and CPU
time of a blank 1080 x 1920 composition and of a busy one held still (remotion/src/compositions/Bench) against a
recap's frames, every frame captured by renderMedia at the renders' concurrency; and the chunk speed-up
(render/chunks.py): five-books whole by one driver pinned to one core against two chunks by two drivers pinned to a
core each, request to the joined video, with the chunks' fixed cost and the join measured; the same over the
fleet through the whole service (fleet_chunks.py); and the priority lanes behind a month-end backlog (lanes.py)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tornado.process import Subprocess

from scripts.benchlib import fleet_chunks, lanes
from scripts.benchlib.common import DRIVER, REMOTION, WORK, fmt, median, tuned
from scripts.benchlib.fonts import become_subreaper, cpu_seconds, reap_orphans
from tests.support.recaps import load_recap
from tests.support.server import start_server
from tests.support.sse_client import open_stream, read_events, stream_url
from tests.support.stills import seed_bundle_cache
from tornado_render.render.chunks import chunk_jobs, chunk_path, chunk_ranges, join_videos, render_chunks
from tornado_render.render.driver import driver_argv, run_driver
from tornado_render.render.ffmpeg import MediaTools
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


# The capture floor's compositions: (label, composition id); the recap's own is MonthlyRecap.
FLOOR = (("blank", "BenchBlank"), ("busy still", "BenchBusyStill"), ("recap", "MonthlyRecap"))


def capture_floor(bundle: str, recap: str = "three-books") -> dict[str, Any]:
    """Per captured frame, wall (the driver's first to last frame) and CPU (driver, Chromium, ffmpeg: the whole run
    over its frames) of the blank and the busy-still compositions and of `recap`, each frame captured by renderMedia
    (`staticSpans: false`) at the renders' concurrency (renderMedia takes at most the cores)."""
    counts_orphans = become_subreaper()  # Chromium's helpers' CPU is counted when they are reaped
    props = load_recap(recap)["data"]
    results: dict[str, Any] = {"recap_name": recap, "cpu_counted": counts_orphans}
    for label, composition in FLOOR:
        job = {
            "inputProps": props,
            "compositionId": composition,
            "outputPath": str(WORK / f"floor-{composition}.mp4"),
            "serveUrl": bundle,
            **tuned(),
            "staticSpans": False,
        }
        cpu = cpu_seconds()
        started = time.monotonic()
        run = subprocess.run(
            ["node", str(DRIVER)], cwd=REMOTION, input=json.dumps(job), text=True, capture_output=True, check=True
        )
        wall = time.monotonic() - started
        reap_orphans()
        cpu = cpu_seconds() - cpu
        done = json.loads(run.stdout.strip().splitlines()[-1])
        frames, timings = int(done["frameCount"]), done["timings"]
        results[label] = {
            "frames": frames,
            "seconds": wall,
            "capture_ms_per_frame": timings["capture"] / max(1, frames - 1),
            "cpu_ms_per_frame": cpu * 1000 / frames,
        }
    recap_frame = results["recap"]
    for label, _ in FLOOR[:2]:
        results[label]["share_of_recap_wall"] = (
            results[label]["capture_ms_per_frame"] / recap_frame["capture_ms_per_frame"]
        )
        results[label]["share_of_recap_cpu"] = results[label]["cpu_ms_per_frame"] / recap_frame["cpu_ms_per_frame"]
    return results


# Tabs per driver pinned to one core: the service's default for one core (cores + 1).
PINNED_TABS = 2
# The driver's timings (ms) a chunk pays again: FIXED, and the tabs loading the bundle up to the first frame.
CHUNK_FIXED = (*FIXED, "firstFrame")


async def _pinned_render(bundle: str, recap: str, cores: list[int], output: Path) -> dict[str, Any]:
    """`recap` in len(cores) chunks (one: whole), chunk i by a driver pinned to cores[i] (taskset), all at once,
    joined into `output`; seconds from the start to the joined video, the join's seconds, each chunk's `done`."""
    props = load_recap(recap)["data"]
    frames = props_frames(props)
    job = {"inputProps": props, "outputPath": str(output), "serveUrl": bundle, **tuned(), "concurrency": PINNED_TABS}
    jobs = chunk_jobs(job, len(cores), len(cores)) if len(cores) > 1 else [job]
    for one in jobs:
        one["concurrency"] = PINNED_TABS
        one.pop("card", None)
    node = driver_argv(None, "node", REMOTION)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    try:
        done = await render_chunks(
            jobs,
            lambda _: lambda message: message if message["type"] == "done" else None,
            argv_for=lambda index: ["taskset", "-c", str(cores[index]), *node],
            cwd=REMOTION,
            timeout=900,
            drivers_at_once=len(cores),
        )
        rendered = time.monotonic()
        if len(cores) > 1:
            chunk_ranges(done, frames)
            parts = [chunk_path(output, index) for index in range(len(cores))]
            await join_videos(MediaTools.for_remotion_dir(REMOTION), parts, output)
        finished = time.monotonic()
    finally:
        Subprocess.uninitialize()
    return {
        "seconds": finished - started,
        "join_seconds": finished - rendered,
        "frames": frames,
        "chunks": len(cores),
        "ranges": [message.get("frameRange") for message in done],
        "chunk_fixed_ms": [sum(message["timings"].get(name) or 0 for name in CHUNK_FIXED) for message in done],
        "chunk_seconds": [message["timings"]["total"] / 1000 for message in done],
        "frames_captured": [message.get("framesCaptured") for message in done],
        # Other work on the machine takes the pinned cores' time too: the 1-minute load before and after the run.
        "load": [load_before, os.getloadavg()[0]],
    }


def props_frames(props: dict[str, Any]) -> int:
    """The video's frames by the server's duration rule (the composition's, tests compare the two)."""
    from tornado_render.templates import TemplateCatalog, duration_frames

    return duration_frames(props, TemplateCatalog.for_remotion_dir(REMOTION).resolve(props.get("template") or {}))


def chunk_speedup(bundle: str, recap: str = "five-books", rounds: int = 2) -> dict[str, Any]:
    """`recap` rendered whole by one driver pinned to core 0 against two chunks by two drivers pinned to cores 0
    and 1 (the same tabs per core), alternating, `rounds` of each: request to the finished (joined) video, the
    ratio of the medians, the join, and each chunk's fixed cost (the driver's start, browser, selectComposition
    and tabs up to the first frame)."""
    runs: dict[str, list[dict[str, Any]]] = {"one core": [], "two cores": []}
    for index in range(rounds):
        for mode, cores in (("one core", [0]), ("two cores", [0, 1])):
            output = WORK / f"speedup-{len(cores)}-{index}.mp4"
            runs[mode].append(asyncio.run(_pinned_render(bundle, recap, cores, output)))
    whole = median([run["seconds"] for run in runs["one core"]])
    split = median([run["seconds"] for run in runs["two cores"]])
    return {
        "recap": recap,
        "runs": runs,
        "whole_seconds": whole,
        "chunked_seconds": split,
        "speedup": whole / split,
        "join_seconds": median([run["join_seconds"] for run in runs["two cores"]]),
        "chunk_fixed_seconds": median([ms / 1000 for run in runs["two cores"] for ms in run["chunk_fixed_ms"]]),
        "whole_fixed_seconds": median([run["chunk_fixed_ms"][0] / 1000 for run in runs["one core"]]),
    }


def measure(bundle: str) -> dict[str, Any]:
    return {
        "warm": warm(bundle),
        "throughput": renders_per_hour(bundle),
        "floor": capture_floor(bundle),
        "chunk_speedup": chunk_speedup(bundle),
        "fleet_chunks": fleet_chunks.measure(bundle),
        "lanes": lanes.measure(),
    }


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
        *floor_lines(results.get("floor")),
        *speedup_lines(results.get("chunk_speedup")),
        *fleet_chunks.report_lines(results.get("fleet_chunks")),
        *lanes.report_lines(results.get("lanes")),
    ]


def speedup_lines(speedup: dict[str, Any] | None) -> list[str]:
    """Rows for the chunk speed-up: one core whole against two cores in two chunks, and the chunks' overheads."""
    if not speedup:
        return []
    return [
        f"| chunks: {speedup['recap']}, request to the joined video, whole on one core / two chunks on two cores "
        f"(taskset, {PINNED_TABS} tabs a core; median) | {fmt(speedup['whole_seconds'])} / "
        f"{fmt(speedup['chunked_seconds'])}: {speedup['speedup']:.2f}x | >= 1.8x | "
        f"{'met' if speedup['speedup'] >= 1.8 else '**not met**'} |",
        f"| chunks: a chunk's fixed cost (driver start, browser, selectComposition, tabs to the first frame) / the "
        f"join (concat, stream copy, faststart) | {fmt(speedup['chunk_fixed_seconds'])} / "
        f"{fmt(speedup['join_seconds'])} | | |",
    ]


def floor_lines(floor: dict[str, Any] | None) -> list[str]:
    """Rows for the capture floor: ms per frame, wall and CPU, of each composition, and the floor's share."""
    if not floor:
        return []

    def row(label: str) -> str:
        one = floor[label]
        return f"{one['capture_ms_per_frame']:.0f} / {one['cpu_ms_per_frame']:.0f} ms"

    blank, busy = floor["blank"], floor["busy still"]
    return [
        f"| capture floor, ms per frame, wall / CPU: blank / busy still (our stats scene held) / {floor['recap_name']} "
        f"(every frame captured, renderMedia) | {row('blank')}; {row('busy still')}; {row('recap')} | | |",
        f"| capture floor: blank / busy still as a share of {floor['recap_name']}'s frame, wall; CPU | "
        f"{blank['share_of_recap_wall']:.0%} / {busy['share_of_recap_wall']:.0%}; "
        f"{blank['share_of_recap_cpu']:.0%} / {busy['share_of_recap_cpu']:.0%} | | |",
    ]
