"""Distinct frames against every frame: is a render faster than the video it makes, and is the video the same?

three-books and five-books, rendered both ways, alternating (full, distinct, full, distinct, ...) so that a busy
machine slows both alike:
  - the driver alone: wall time, render time / video length, frames captured against frames in the video, the
    driver's own time breakdown (`timings` in its `done` message) and the peak memory of its process tree (node,
    Chromium, ffmpeg);
  - the service, GET /render-stream to `complete`, one server per mode (RENDER_STATIC_SPANS off and on): the same
    ratio, first `progress` and `progress 25`, whether progress stayed 0..100 and how far it strayed from elapsed
    time, peak memory (server + driver tree), and the upload time;
  - the lowest PSNR over every frame of the distinct-frames video against the full one, and both file sizes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scripts.benchlib.common import DRIVER, REMOTION, WORK, median, props_file, tuned
from scripts.benchlib.memory import _kb
from scripts.benchlib.service import start_real_server
from tests.support.media import frame_psnrs
from tests.support.recaps import load_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import open_stream, read_events, stream_url
from tornado_render.render.processes import MARKER_VARIABLE, pids_with_marker

RECAPS = ("three-books", "five-books")
MODES = {"full": False, "distinct": True}
PHASES = ("startup", "browser", "selectComposition", "firstFrame", "capture", "encodeTail")


class PeakMemory:
    """Peak PSS and RSS sums (MB) of a changing set of processes, sampled in a thread.

    Sampling costs CPU that the render it measures would otherwise have (finding processes by their environment
    reads every process's), so memory is read every 200 ms and the set of processes found again every second.
    """

    SAMPLE_SECONDS = 0.2
    FIND_SECONDS = 1.0

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids
        self.pss_mb = 0.0
        self.rss_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        pids: list[int] = []
        found_at = -math.inf
        while not self._done.wait(self.SAMPLE_SECONDS):
            if time.monotonic() - found_at >= self.FIND_SECONDS:
                pids, found_at = self.pids(), time.monotonic()
            self.pss_mb = max(self.pss_mb, sum(_kb(pid, "Pss", "smaps_rollup") for pid in pids) / 1024)
            self.rss_mb = max(self.rss_mb, sum(_kb(pid, "VmRSS", "status") for pid in pids) / 1024)

    @contextmanager
    def running(self) -> Iterator[PeakMemory]:
        self._thread.start()
        try:
            yield self
        finally:
            self._done.set()
            self._thread.join(5)


def driver_run(bundle: str, recap: str, distinct: bool, output: Path) -> dict[str, Any]:
    """One render by the driver alone, with the server's settings; its `done` message, wall time and peak memory."""
    props = json.loads(props_file(recap).read_text())
    job = {
        "inputProps": props,
        "outputPath": str(output),
        "serveUrl": bundle,
        **tuned(),
        "staticSpans": distinct,
    }
    token = uuid.uuid4().hex
    env = {**os.environ, MARKER_VARIABLE: token}
    with PeakMemory(lambda: pids_with_marker(token)).running() as memory:
        started = time.monotonic()
        result = subprocess.run(
            ["node", str(DRIVER)], input=json.dumps(job), capture_output=True, text=True, cwd=REMOTION, env=env
        )
        seconds = time.monotonic() - started
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or messages[-1]["type"] != "done":
        raise RuntimeError(f"driver failed: {messages[-1:]} {result.stderr[-2000:]}")
    done = messages[-1]
    return {
        "seconds": seconds,
        "ratio": seconds / done["durationInSeconds"],
        "duration": done["durationInSeconds"],
        "frames": done["frameCount"],
        "captured": done["framesCaptured"],
        "timings": done["timings"],
        "bytes": output.stat().st_size,
        "pss_mb": memory.pss_mb,
        "rss_mb": memory.rss_mb,
    }


def progress_drift(events: list[Any], started: float) -> float:
    """Largest distance (progress points) between a rendering progress event and a straight line from `progress
    25` to `complete` in time: 0 when progress is exactly proportional to elapsed time."""
    progress = [(event.at, event.data["progress"]) for event in events if event.name == "progress"]
    start = next(at for at, value in progress if value == 25)
    end = events[-1].at
    if end <= start:
        return 0.0
    return float(max(abs(value - (25 + 75 * (at - start) / (end - start))) for at, value in progress if value >= 25))


def service_run(server: ServerProcess, recap_name: str, tag: str, duration: float) -> dict[str, Any]:
    """GET /render-stream to `complete` on a warm server, with the peak memory of the server and its driver."""
    recap = load_recap(recap_name)
    recap["userId"] = f"bench-spans-{tag}"  # distinct jobs: identical requests would share one render
    before = len(server.logs("driver_started"))
    marker: list[str] = []

    def pids() -> list[int]:
        if not marker:
            started = server.logs("driver_started")
            if len(started) <= before:
                return [server.process.pid]
            marker.append(started[before]["marker"])
        return [server.process.pid, *pids_with_marker(marker[0])]

    with PeakMemory(pids).running() as memory:
        stream = open_stream(server.port, stream_url(recap), timeout=600)
        read_events(stream)
    if not stream.events or stream.events[-1].name != "complete":
        raise RuntimeError(f"the render did not complete: {stream.events[-1:] or stream.body!r}")
    at = {event.data["progress"]: event.at for event in stream.events if event.name == "progress"}
    rendered = server.logs("rendered")[-1]
    uploaded = server.logs("uploaded")[-1]
    complete = stream.events[-1].at - stream.started
    return {
        "complete": complete,
        "ratio": complete / duration,
        "first_progress": stream.events[0].at - stream.started,
        "progress_25": at[25] - stream.started,
        "contiguous": stream.progress == list(range(101)),
        "drift": progress_drift(stream.events, stream.started),
        "render_seconds": rendered["render_seconds"],
        "upload_seconds": uploaded["upload_seconds"],
        "driver_timings": rendered.get("driver_timings", {}),
        "captured": rendered.get("frames_captured"),
        "frames": rendered["frames"],
        "pss_mb": memory.pss_mb,
        "rss_mb": memory.rss_mb,
    }


def summarize(runs: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    summary: dict[str, Any] = {key: median([run[key] for run in runs]) for key in keys}
    summary["runs"] = runs
    return summary


def measure(bundle: str, runs: int, service: bool = True) -> dict[str, Any]:
    results: dict[str, Any] = {"driver": {}, "service": {}, "video": {}}
    outputs: dict[tuple[str, str], Path] = {}
    for recap in RECAPS:
        per_mode: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
        for run in range(runs):
            for mode, distinct in MODES.items():
                output = WORK / f"spans-{recap}-{mode}-{run}.mp4"
                row = driver_run(bundle, recap, distinct, output)
                per_mode[mode].append(row)
                outputs.setdefault((recap, mode), output)
                print(
                    f"spans: driver {recap} {mode}: {row['seconds']:.1f} s (ratio {row['ratio']:.2f}), "
                    f"captured {row['captured']}/{row['frames']}, peak PSS {row['pss_mb']:.0f} MB, "
                    f"timings {json.dumps(row['timings'])}",
                    flush=True,
                )
        results["driver"][recap] = {
            mode: {
                **summarize(rows, ("seconds", "ratio", "pss_mb", "rss_mb", "bytes")),
                "frames": rows[0]["frames"],
                "captured": rows[0]["captured"],
                "duration": rows[0]["duration"],
                "timings": {phase: median([row["timings"][phase] for row in rows]) for phase in (*PHASES, "total")},
            }
            for mode, rows in per_mode.items()
        }
        psnrs = frame_psnrs(outputs[(recap, "full")], outputs[(recap, "distinct")])
        finite = [value for value in psnrs if not math.isinf(value)]
        results["video"][recap] = {
            "frames_compared": len(psnrs),
            "min_psnr": min(psnrs),
            "identical_frames": len(psnrs) - len(finite),
            "worst_frame": min(range(len(psnrs)), key=psnrs.__getitem__),
        }
        print(f"spans: {recap} distinct vs full: {json.dumps(results['video'][recap])}", flush=True)
    if service:
        servers = {
            mode: start_real_server(f"spans-{mode}", RENDER_STATIC_SPANS="on" if on else "off")
            for mode, on in MODES.items()
        }
        try:
            for recap in RECAPS:
                per_mode = {mode: [] for mode in MODES}
                for run in range(runs):
                    for mode, server in servers.items():
                        duration = results["driver"][recap][mode]["duration"]
                        row = service_run(server, recap, f"{recap}-{mode}-{run}", duration)
                        per_mode[mode].append(row)
                        print(
                            f"spans: service {recap} {mode}: complete {row['complete']:.1f} s (ratio "
                            f"{row['ratio']:.2f}), first progress {row['first_progress'] * 1000:.0f} ms, progress 25 "
                            f"{row['progress_25'] * 1000:.0f} ms, contiguous {row['contiguous']}, drift "
                            f"{row['drift']:.1f}, peak PSS {row['pss_mb']:.0f} MB, upload {row['upload_seconds']} s",
                            flush=True,
                        )
                results["service"][recap] = {
                    mode: {
                        **summarize(
                            rows,
                            (
                                "complete",
                                "ratio",
                                "first_progress",
                                "progress_25",
                                "drift",
                                "pss_mb",
                                "rss_mb",
                                "upload_seconds",
                            ),
                        ),
                        "contiguous": all(row["contiguous"] for row in rows),
                    }
                    for mode, rows in per_mode.items()
                }
        finally:
            for server in servers.values():
                server.stop()
    return results


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def report_lines(results: dict[str, Any]) -> list[str]:
    """The section of docs/PERFORMANCE.md: ratios against the targets, the video check, the time breakdown."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines = [
        "## Distinct frames (static spans)",
        "",
        "Each recap rendered with every frame captured (`RENDER_STATIC_SPANS=off`, today's renderMedia path) and "
        "with each distinct frame captured once (`on`), alternating, median of "
        f"{len(next(iter(next(iter(results['driver'].values())).values()))['runs'])} each.",
        "",
        "| recap | how | render (median) | render / video length | target | | frames captured / in video | "
        "lowest PSNR vs full, all frames | file size | peak memory PSS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for recap, modes in results["driver"].items():
        video = results["video"][recap]
        for mode, row in modes.items():
            distinct = mode == "distinct"
            psnr = "identical" if math.isinf(video["min_psnr"]) else f"{video['min_psnr']:.1f} dB"
            lines.append(
                f"| {recap} | driver, {mode} | {fmt_s(row['seconds'])} | {row['ratio']:.2f} | "
                f"{'<= 1.0' if distinct else ''} | {verdict(row['ratio'] <= 1.0) if distinct else ''} | "
                f"{row['captured']} / {row['frames']} | {psnr + ' (>= 40)' if distinct else 'reference'} | "
                f"{row['bytes'] / 1e6:.1f} MB | {row['pss_mb']:.0f} MB |"
            )
        for mode, row in results["service"].get(recap, {}).items():
            distinct = mode == "distinct"
            lines.append(
                f"| {recap} | service, {mode}, request to `complete` | {fmt_s(row['complete'])} | {row['ratio']:.2f} | "
                f"{'<= 1.0' if distinct else ''} | {verdict(row['ratio'] <= 1.0) if distinct else ''} | | | | "
                f"{row['pss_mb']:.0f} MB |"
            )
    if results["service"]:
        lines += [
            "",
            "| recap | how | first `progress` | `progress 25` | progress 0..100 contiguous | largest drift from "
            "elapsed time | upload | peak memory vs full |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for recap, modes in results["service"].items():
            full_pss = modes["full"]["pss_mb"]
            for mode, row in modes.items():
                growth = row["pss_mb"] / full_pss - 1
                lines.append(
                    f"| {recap} | {mode} | {row['first_progress'] * 1000:.0f} ms | "
                    f"{row['progress_25'] * 1000:.0f} ms | "
                    f"{'yes' if row['contiguous'] else '**no**'} | {row['drift']:.1f} points | "
                    f"{fmt_s(row['upload_seconds'])} | "
                    + (f"{growth:+.0%} (target <= +20 %, {verdict(growth <= 0.2)})" if mode == "distinct" else "")
                    + " |"
                )
    lines += [
        "",
        "Where the driver's time goes (its `timings`, medians): process start to the job read, Chromium's start, "
        "selectComposition, the tabs opening until the first frame is captured, capture from the first to the last "
        "frame (and per captured frame, wall time with all tabs at once), the encoder still running after the last "
        "capture (with faststart), and the whole driver:",
        "",
        "| recap | how | process start | browser start | selectComposition | tabs + first frame | capture | "
        "per captured frame | encoder tail | driver total |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for recap, modes in results["driver"].items():
        for mode, row in modes.items():
            timings = row["timings"]
            lines.append(
                f"| {recap} | {mode} | "
                + " | ".join(
                    f"{timings[phase] / 1000:.2f} s"
                    for phase in ("startup", "browser", "selectComposition", "firstFrame")
                )
                + f" | {timings['capture'] / 1000:.2f} s | {timings['capture'] / (row['captured'] - 1):.0f} ms | "
                f"{timings['encodeTail'] / 1000:.2f} s | {timings['total'] / 1000:.2f} s |"
            )
    return lines
