"""Looking inside rendered videos with the ffprobe/ffmpeg that Remotion ships (not a system one)."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageStat

from tests.support.server import ROOT

COMPOSITOR = ROOT / "remotion" / "node_modules" / "@remotion" / "compositor-linux-x64-gnu"
FFPROBE = COMPOSITOR / "ffprobe"
FFMPEG = COMPOSITOR / "ffmpeg"


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    width: int
    height: int
    fps: float
    frames: int
    duration: float
    pix_fmt: str


def _run(binary: Path, args: list[str]) -> bytes:
    env = {"LD_LIBRARY_PATH": str(COMPOSITOR)}
    return subprocess.run([str(binary), *args], check=True, capture_output=True, env=env, timeout=120).stdout


def probe(path: Path) -> VideoInfo:
    """Codec, size, frame rate and the exact number of decoded frames of the first video stream."""
    out = _run(
        FFPROBE,
        [
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_streams",
            "-show_format",
            "-of",
            "json",
            str(path),
        ],
    )
    data: dict[str, Any] = json.loads(out)
    stream = data["streams"][0]
    num, den = (int(part) for part in stream["avg_frame_rate"].split("/"))
    return VideoInfo(
        codec=stream["codec_name"],
        width=int(stream["width"]),
        height=int(stream["height"]),
        fps=num / den,
        frames=int(stream["nb_read_frames"]),
        duration=float(data["format"]["duration"]),
        pix_fmt=stream["pix_fmt"],
    )


def top_level_boxes(path: Path) -> list[str]:
    """The types of an MP4's top-level boxes, in file order (faststart puts `moov` before `mdat`)."""
    boxes = []
    with path.open("rb") as handle:
        while header := handle.read(8):
            size, kind = int.from_bytes(header[:4], "big"), header[4:8].decode("latin-1")
            if size == 1:
                size = int.from_bytes(handle.read(8), "big") - 8
            boxes.append(kind)
            if size == 0:
                break
            handle.seek(size - 8, 1)
    return boxes


def gray_frame(path: Path, seconds: float, width: int = 108, height: int = 192) -> bytes:
    """One decoded frame, scaled down, as 8-bit gray pixels (this ffmpeg has no rawvideo muxer: image2pipe)."""
    return _run(
        FFMPEG,
        [
            "-v",
            "error",
            "-ss",
            f"{seconds:.3f}",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-vf",
            f"scale={width}:{height}",
            "-f",
            "image2pipe",
            "-c:v",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-",
        ],
    )


def distinct_levels(pixels: bytes) -> int:
    return len(set(pixels))


def decoded_frames(path: Path, width: int = 1080, height: int = 1920, gray: bool = False) -> Iterator[bytes]:
    """Every frame of the video, in order, as RGB24 bytes (or 8-bit gray), scaled (box average) when `width` and
    `height` are not the video's own."""
    env = {"LD_LIBRARY_PATH": str(COMPOSITOR)}
    args = ["-v", "error", "-i", str(path), "-vf", f"scale={width}:{height}:flags=area", "-f", "image2pipe"]
    args += ["-c:v", "rawvideo", "-pix_fmt", "gray" if gray else "rgb24", "-"]
    size = width * height * (1 if gray else 3)
    with subprocess.Popen([str(FFMPEG), *args], stdout=subprocess.PIPE, env=env) as process:
        assert process.stdout is not None
        while frame := process.stdout.read(size):
            if len(frame) != size:
                raise ValueError(f"{path.name}: a truncated frame of {len(frame)} bytes")
            yield frame
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, str(FFMPEG))


def frame_psnrs(a: Path, b: Path, width: int = 1080, height: int = 1920) -> list[float]:
    """PSNR (dB, over R, G and B) of every frame of `b` against the same frame of `a`; inf where identical.

    Both videos must have the same number of frames (ValueError otherwise).
    """
    values: list[float] = []
    for frame_a, frame_b in itertools.zip_longest(decoded_frames(a, width, height), decoded_frames(b, width, height)):
        if frame_a is None or frame_b is None:
            raise ValueError(f"{a.name} and {b.name} differ in length (at frame {len(values)})")
        values.append(_psnr(frame_a, frame_b, width, height))
    return values


def _psnr(a: bytes, b: bytes, width: int, height: int) -> float:
    if a == b:
        return math.inf
    difference = ImageChops.difference(
        Image.frombytes("RGB", (width, height), a), Image.frombytes("RGB", (width, height), b)
    )
    squares = sum(ImageStat.Stat(difference).sum2)
    mse = squares / (width * height * 3)
    return math.inf if mse == 0 else 20 * math.log10(255 / math.sqrt(mse))


def frame_changes(path: Path) -> list[int]:
    """For every frame of the video, the largest change of a pixel from the frame before (scaled down to a quarter,
    gray), 255 for the first frame. Encoding noise (a keyframe re-encoding a still picture) stays within a few
    levels; any motion is far above that."""
    changes: list[int] = []
    previous: Image.Image | None = None
    for pixels in decoded_frames(path, 270, 480, gray=True):
        frame = Image.frombytes("L", (270, 480), pixels)
        changes.append(255 if previous is None else ImageChops.difference(frame, previous).getextrema()[1])
        previous = frame
    return changes


def longest_still_run(changes: list[int], first: int, end: int, noise: int = 6) -> int:
    """The longest run of frames in [first, end) that show the same picture (each within `noise` levels of the one
    before; a run's first frame is the one the others repeat)."""
    best = run = 0
    for frame in range(first, end):
        run = run + 1 if run > 0 and changes[frame] <= noise else 1
        best = max(best, run)
    return best
