"""One frame of a rendered video as an image, and PSNR between two pictures, for comparing the browser preview with
the server's render (tests/test_preview.py)."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from tests.support.media import COMPOSITOR, FFMPEG

WIDTH, HEIGHT = 1080, 1920


def video_frame(path: Path, index: int, width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    """Frame `index` (0-based, in decoding order) of the video, decoded by Remotion's own ffmpeg, as RGB.

    That ffmpeg has no `select` filter and no PNG encoder: `trim` by frame number, raw RGB through image2pipe.
    """
    raw = subprocess.run(
        [
            str(FFMPEG),
            "-v",
            "error",
            "-i",
            str(path),
            "-vf",
            f"trim=start_frame={index}:end_frame={index + 1}",
            "-frames:v",
            "1",
            "-f",
            "image2pipe",
            "-c:v",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        check=True,
        capture_output=True,
        env={"LD_LIBRARY_PATH": str(COMPOSITOR)},
        timeout=120,
    ).stdout
    if len(raw) != width * height * 3:
        raise ValueError(f"{path.name}: frame {index} is {len(raw)} bytes, not {width}x{height} RGB")
    return Image.frombytes("RGB", (width, height), raw)


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio in dB over R, G and B of two same-sized pictures; inf when identical."""
    if a.size != b.size:
        raise ValueError(f"sizes differ: {a.size} and {b.size}")
    squares = sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).sum2)
    mse = squares / (a.size[0] * a.size[1] * 3)
    return math.inf if mse == 0 else 20 * math.log10(255 / math.sqrt(mse))
