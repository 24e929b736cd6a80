"""One render split into chunks of frames, rendered at once by several drivers and joined into one video.

A long recap is mostly capture, and capture is close to linear in captured frames: `CHUNK_FRAMES` says how many
chunks (`chunk_count`), each chunk is a driver job of its own (the driver's `chunk`: the range of equal work, the
same encoder settings, the distinct-frame path cut to the range), at most `CHUNK_DRIVERS` of them run at once, and
Remotion's ffmpeg joins the chunk videos by the concat demuxer with a stream copy and faststart (`join_videos`), as
Remotion's own `combineChunks()` does. The chunks are silent; the soundtrack is muxed once into the joined video, as
into a whole one (pipeline.py).

Each chunk pays a render's fixed cost again (node, Chromium, resolving the composition, the tabs loading the
bundle; 1.4-1.6 s one-shot, bench `fleet-scale`), so a recap of at most `CHUNK_MIN_FRAMES` frames renders whole
(docs/SCALING.md has the measured costs). A chunk starts its video with a keyframe; nothing else differs from the
whole render's frames (tests/test_chunks.py: the same frames and length, every frame above 40 dB PSNR).

With CHUNK_FLEET the chunks go to the fleet instead (`ChunkFleet`, fleet_chunks.py): each but the first is a job
of the queue that any worker renders and stores under chunks/ (`chunk_key`), and its coordinator (the whole job's
worker) joins them here as it joins its own drivers' chunks.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ..errors import RenderFailed
from ..recap import MAX_CHUNKS, RenderRequest
from .driver import run_driver
from .ffmpeg import MediaTools, run_tool
from .warm import DriverPool

T = TypeVar("T")
JOIN_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class FrameRange:
    """Frames `first` to `last` of a video, both included (the driver's `frameRange`)."""

    first: int
    last: int

    @property
    def frames(self) -> int:
        return self.last - self.first + 1


def chunk_count(total_frames: int, chunk_frames: int, min_frames: int) -> int:
    """How many chunks a video of `total_frames` renders in: 1 (whole) when chunking is off (`chunk_frames` 0), when
    the video has at most `min_frames` frames or fits in one chunk; else one per `chunk_frames` frames, rounded up,
    and at most MAX_CHUNKS (a request that names more is refused: a tiny CHUNK_FRAMES makes longer chunks instead).
    Where each chunk starts is the driver's (`chunk`: the frames of equal work, remotion/driver/static-spans.mjs
    chunkRange: it knows which frames are captured and which are held)."""
    if total_frames < 1:
        raise ValueError(f"a video has at least one frame, not {total_frames}")
    if chunk_frames <= 0 or total_frames <= max(min_frames, chunk_frames):
        return 1
    return min(MAX_CHUNKS, math.ceil(total_frames / chunk_frames))


def chunk_jobs(job: Mapping[str, Any], count: int, drivers_at_once: int) -> list[dict[str, Any]]:
    """A whole render's driver job as `count` chunk jobs (`chunk`: {index, count}): each video (the main one, each
    shape of `formats`) goes to its chunk's path (`chunk_path`), the link card is made by the first chunk only, and
    the tabs of the whole render (`concurrency`) are shared among the drivers that run at once."""
    running = max(1, min(drivers_at_once, count))
    tabs = job.get("concurrency")
    jobs = []
    for index in range(count):
        one = {key: value for key, value in job.items() if key != "card"}
        one["outputPath"] = str(chunk_path(Path(job["outputPath"]), index))
        one["formats"] = [
            {**shape, "outputPath": str(chunk_path(Path(shape["outputPath"]), index))}
            for shape in job.get("formats", [])
        ]
        one["chunk"] = {"index": index, "count": count}
        if isinstance(tabs, int):
            one["concurrency"] = max(1, math.ceil(tabs / running))
        if index == 0 and "card" in job:
            one["card"] = job["card"]
        jobs.append(one)
    return jobs


def chunk_ranges(done: Sequence[Mapping[str, Any]], total_frames: int) -> list[FrameRange]:
    """The ranges the chunks' `done` messages say they hold, checked: in order, every frame of the video once (a
    join of anything else would be a video of the wrong length). Raises RenderFailed."""
    ranges = []
    for index, message in enumerate(done):
        value = message.get("frameRange")
        frames = message.get("frameCount")
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(frame, int) for frame in value)):
            raise RenderFailed(f"chunk {index + 1} did not say which frames it holds: {value!r}")
        ranges.append(FrameRange(value[0], value[1]))
        if frames != ranges[-1].frames:
            raise RenderFailed(f"chunk {index + 1} holds frames {value} but has {frames!r} frames")
    starts = [0] + [chunk.last + 1 for chunk in ranges]
    if [chunk.first for chunk in ranges] != starts[:-1] or starts[-1] != total_frames:
        found = [[chunk.first, chunk.last] for chunk in ranges]
        raise RenderFailed(f"the chunks {found} are not the video's {total_frames} frames, in order")
    return ranges


class ChunkProgress:
    """One render progress, 0..1, over all chunks: the mean of the chunks' own progress (chunks of equal work, so
    equal weights). It stays below 1 until `joined`: the join is part of the render."""

    def __init__(self, count: int, on_progress: Callable[[float], None]) -> None:
        self.done = [0.0] * count
        self.on_progress = on_progress

    def chunk(self, index: int, progress: float) -> None:
        """Chunk `index`'s driver reported `progress` (0..1) of its own work."""
        self.done[index] = max(self.done[index], min(1.0, max(0.0, progress)))
        self.on_progress(min(0.99, sum(self.done) / len(self.done)))

    def joined(self) -> None:
        self.on_progress(1.0)


async def render_chunks(
    jobs: Sequence[Mapping[str, Any]],
    handle_for: Callable[[int], Callable[[dict[str, Any]], T | None]],
    *,
    argv_for: Callable[[int], list[str]],
    cwd: Path,
    timeout: float,
    drivers_at_once: int,
    pool: DriverPool | None = None,
) -> list[T]:
    """Run each chunk's driver job, at most `drivers_at_once` at a time, all within `timeout` seconds; their results
    in chunk order. Chunk `index` runs `argv_for(index)` (a bench pins each to a core) and its messages go to
    `handle_for(index)`, as `run_driver` takes them. The first chunk that fails stops the others (their drivers are
    terminated) and its RenderFailed goes on."""
    places = asyncio.Semaphore(max(1, drivers_at_once))

    async def one(index: int) -> T:
        async with places:
            return await run_driver(
                argv_for(index),
                jobs[index],
                handle_for(index),
                cwd=cwd,
                timeout=timeout,
                failure_prefix=f"chunk {index + 1} of {len(jobs)}" if len(jobs) > 1 else "",
                announce=True,
                pool=pool,
            )

    tasks = [asyncio.ensure_future(one(index)) for index in range(len(jobs))]
    try:
        # `timeout` is the whole render's: chunks waiting for a place must not each get it again.
        return list(await asyncio.wait_for(asyncio.gather(*tasks), timeout))
    except asyncio.TimeoutError:
        raise RenderFailed(f"timed out after {timeout:g} s", timed_out=True) from None
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # every driver is stopped before this returns


async def join_videos(tools: MediaTools, parts: Sequence[Path], output: Path) -> None:
    """The chunk videos at `parts`, in order, as one MP4 at `output`: the concat demuxer, a stream copy (the chunks
    were encoded alike), the index moved to the front (faststart). Raises MediaToolFailed."""
    listing = output.with_suffix(".chunks.txt")
    listing.write_text("".join(f"file '{_quoted(part)}'\n" for part in parts))
    try:
        args = ["-hide_banner", "-loglevel", "error", "-nostdin", "-f", "concat", "-safe", "0", "-i", str(listing)]
        args += ["-c", "copy", "-movflags", "+faststart", "-f", "mp4", "-y", str(output)]
        await run_tool(tools.ffmpeg, args, tools.environment(), JOIN_TIMEOUT_SECONDS)
    finally:
        listing.unlink(missing_ok=True)


class ChunkFleet(Protocol):
    """Renders a chunked request's chunks on the fleet: chunk `index`'s driver messages (real, or made from its job's
    events and stored record) go to `handle_for(index)`, its videos (by shape name) to `paths_of(index)`;
    `run_here(index)` renders one on this instance. Their `done` results, in chunk order."""

    async def render(
        self,
        request: RenderRequest,
        count: int,
        video_key: str,
        paths_of: Callable[[int], dict[str, Path]],
        handle_for: Callable[[int], Callable[[dict[str, Any]], T | None]],
        run_here: Callable[[int], Awaitable[T]],
    ) -> list[T]: ...


def chunk_key(video_key: str, index: int, name: str) -> str:
    """Where a chunk that another worker rendered waits for its coordinator (`name`: a shape's `<shape>.mp4`, or its
    `done.json`): under chunks/, where nothing lists videos."""
    return f"chunks/{video_key.removesuffix('.mp4')}/{index:03d}.{name}"


def chunk_path(video: Path, index: int) -> Path:
    """Where chunk `index` of the video at `video` is rendered (beside it, in the rendering directory)."""
    return video.with_name(f"{video.stem}.chunk-{index:03d}{video.suffix}")


def _quoted(path: Path) -> str:
    """A path as the concat demuxer's `file` directive reads it between single quotes."""
    return str(path.resolve()).replace("'", "'\\''")
