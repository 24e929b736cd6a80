"""What one long render split over several workers would cost (docs/SCALING.md, "on paper"): the fixed cost of
a render, the cost per frame, and the cost of joining chunk videos the way Remotion's `combineChunks()` does (a
stream copy of the H.264 chunks into one MP4 with faststart).

A render's time is close to linear in its frames: fixed (node, Chromium, `selectComposition`, the tabs loading the
bundle, the encoder's tail) plus a cost per frame. Two real renders through the driver with the service's settings,
one-book and five-books, give both. The frames of a 50-book recap follow from the two as well: the recaps differ
only in books, so each book adds (five-books frames - one-book frames) / 4. The join is measured on the five-books
video: cut into CHUNKS pieces by stream copy (at keyframes), then joined by ffmpeg's concat demuxer.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

from scripts.benchlib.common import REMOTION, WORK
from scripts.benchlib.spans import driver_run

CHUNKS = 4
LONG_RECAP_BOOKS = 50
COMPOSITOR = REMOTION / "node_modules" / "@remotion" / "compositor-linux-x64-gnu"


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [str(COMPOSITOR / "ffmpeg"), "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        env={"LD_LIBRARY_PATH": str(COMPOSITOR)},
    )


def join_seconds(video: Path, duration: float, chunks: int = CHUNKS) -> float:
    """Seconds to join `video`, cut into `chunks` pieces at keyframes, back into one faststart MP4."""
    folder = WORK / "chunks"
    folder.mkdir(exist_ok=True)
    step = duration / chunks
    parts = [folder / f"part-{index:02d}.mp4" for index in range(chunks)]
    for index, part in enumerate(parts):  # Remotion's ffmpeg has no segment muxer: one stream copy per chunk
        ffmpeg("-ss", f"{index * step:.3f}", "-t", f"{step:.3f}", "-i", str(video), "-c", "copy", str(part))
    listing = folder / "parts.txt"
    listing.write_text("".join(f"file '{part}'\n" for part in parts))
    started = time.monotonic()
    join = ["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", "-movflags", "+faststart"]
    ffmpeg(*join, str(folder / "joined.mp4"))
    return time.monotonic() - started


def measure(bundle: str) -> dict[str, Any]:
    short = driver_run(bundle, "one-book", True, WORK / "chunks-one-book.mp4")
    long = driver_run(bundle, "five-books", True, WORK / "chunks-five-books.mp4")
    per_frame = (long["seconds"] - short["seconds"]) / (long["frames"] - short["frames"])
    fixed = short["seconds"] - per_frame * short["frames"]
    frames_per_book = (long["frames"] - short["frames"]) / 4
    long_frames = round(short["frames"] + frames_per_book * (LONG_RECAP_BOOKS - 1))
    join = join_seconds(WORK / "chunks-five-books.mp4", long["duration"])
    fps = long["frames"] / long["duration"]
    join_per_minute = join / long["duration"] * 60
    single = fixed + per_frame * long_frames
    join_long = join_per_minute * long_frames / fps / 60

    def split(workers: int) -> float:
        return fixed + per_frame * long_frames / workers + join_long

    return {
        "renders": {"one-book": short, "five-books": long},
        "fixed_seconds": fixed,
        "seconds_per_frame": per_frame,
        "long_recap": {"books": LONG_RECAP_BOOKS, "frames": long_frames, "seconds_of_video": long_frames / fps},
        "single_worker_seconds": single,
        "join_seconds": join,
        "join_seconds_per_minute": join_per_minute,
        "split_seconds": {str(k): split(k) for k in (2, 4, 8, 16)},
    }


def report_lines(results: dict[str, Any]) -> list[str]:
    """Rows of the results table: the parts of the estimate in docs/SCALING.md."""
    long, split = results["long_recap"], results["split_seconds"]
    renders = results["renders"]
    return [
        f"| one render's fixed cost / cost per frame (one-book {renders['one-book']['seconds']:.1f} s, five-books "
        f"{renders['five-books']['seconds']:.1f} s, driver) | {results['fixed_seconds']:.1f} s / "
        f"{results['seconds_per_frame'] * 1000:.0f} ms | | |",
        f"| joining chunk videos (stream copy + faststart): per minute of video | "
        f"{results['join_seconds_per_minute']:.2f} s | | |",
        f"| a {long['books']}-book recap ({long['frames']} frames, {long['seconds_of_video']:.0f} s of video): one "
        f"worker / split over 2, 4, 8, 16 workers (estimate) | {results['single_worker_seconds']:.0f} s / "
        + ", ".join(f"{split[k]:.0f}" for k in ("2", "4", "8", "16"))
        + " s | | |",
    ]
