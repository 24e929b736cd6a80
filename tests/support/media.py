"""Looking inside rendered videos with the ffprobe/ffmpeg that Remotion ships (not a system one)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    )


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
