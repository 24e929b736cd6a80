"""For tests of the browser preview (tests/test_preview.py): a server's bundle directory holding the session's real
bundle (so the server serves the real preview at once), one frame of a rendered video as an image, and PSNR."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from tests.support.media import COMPOSITOR, FFMPEG
from tests.support.stills import REMOTION
from tornado_render.render.bundle import READY_MARKER, source_hash

WIDTH, HEIGHT = 1080, 1920


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def bundle_dir_holding(bundle: Path, bundle_dir: Path) -> Path:
    """A BUNDLE_DIR whose bundle of the current sources is `bundle` (built once per session), as hard links: a
    server started with it serves the real preview (bundle/preview/) and renders at once, even with the fake
    driver, and what the server writes there (its thumbnails) stays in this directory, not in the shared bundle."""
    target = bundle_dir / source_hash(REMOTION)
    shutil.copytree(
        bundle, target, copy_function=_link_or_copy, ignore=shutil.ignore_patterns(READY_MARKER, "thumbnails")
    )
    (target / READY_MARKER).write_text(target.name)
    return bundle_dir


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
