"""Which render settings are fastest here, and do they still look the same as Remotion's defaults?

Renders the recap through the driver with each candidate, then compares frames from the middle of every scene
with the default render's: PSNR in dB over the full 1080x1920 frame (above ~40 dB the difference is invisible).
"""

from __future__ import annotations

import io
import json
import math
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageStat

from scripts.benchlib.common import DRIVER, REMOTION, WORK, browser, props_file, timed
from tests.support.media import COMPOSITOR, FFMPEG

CANDIDATES: dict[str, dict[str, Any]] = {
    "Remotion defaults (concurrency 1 = cores/2, jpeg 80, x264 medium)": {},
    "concurrency 2": {"concurrency": 2},
    "concurrency 2, x264 veryfast": {"concurrency": 2, "x264Preset": "veryfast"},
    "concurrency 2, x264 superfast": {"concurrency": 2, "x264Preset": "superfast"},
    "concurrency 2, x264 ultrafast": {"concurrency": 2, "x264Preset": "ultrafast"},
    "concurrency 2, png frames": {"concurrency": 2, "imageFormat": "png"},
}
SAMPLE_SECONDS = (1.2, 3.9, 6.9, 9.9, 12.9, 16.0, 19.5, 23.0, 25.5)


def frame(video: Path, seconds: float) -> Image.Image:
    png = subprocess.run(
        [
            str(FFMPEG),
            "-v",
            "error",
            "-ss",
            f"{seconds:.2f}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-f",
            "image2pipe",
            "-c:v",
            "png",
            "-",
        ],
        capture_output=True,
        check=True,
        env={"LD_LIBRARY_PATH": str(COMPOSITOR)},
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def psnr(a: Image.Image, b: Image.Image) -> float:
    mse = sum(value**2 for value in ImageStat.Stat(ImageChops.difference(a, b)).rms) / 3
    return math.inf if mse == 0 else 20 * math.log10(255 / math.sqrt(mse))


def measure(bundle: str, recap: str) -> list[dict[str, Any]]:
    props = json.loads(props_file(recap).read_text())
    rows = []
    reference: Path | None = None
    for index, (label, settings) in enumerate(CANDIDATES.items()):
        output = WORK / f"tuning-{index}.mp4"
        job = {
            "inputProps": props,
            "outputPath": str(output),
            "serveUrl": bundle,
            "browserExecutable": browser(),
            **settings,
        }
        seconds = timed(["node", str(DRIVER)], cwd=REMOTION, stdin=json.dumps(job))
        reference = reference or output
        duration = len(SAMPLE_SECONDS)
        values = [psnr(frame(reference, t), frame(output, t)) for t in SAMPLE_SECONDS[:duration]]
        rows.append(
            {
                "label": label,
                "settings": settings,
                "seconds": seconds,
                "bytes": output.stat().st_size,
                "min_psnr": min(values),
            }
        )
        print(
            f"tuning: {label}: {seconds:.1f} s, {output.stat().st_size} bytes, min PSNR {min(values):.1f} dB",
            flush=True,
        )
    return rows
