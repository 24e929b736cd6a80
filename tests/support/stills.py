"""Single frames of a real render (the driver's `stills` mode) and a comparison of them, for tests where a frame is
enough: a still costs about a second, a whole video tens of seconds.

The bundle is built once per test session (`remotion_bundle` in conftest) and every still of the session reuses it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageStat

from tests.support.server import ROOT
from tornado_render.render.browser import find_browser
from tornado_render.settings import settings_from_env

REMOTION = ROOT / "remotion"
DRIVER = REMOTION / "driver" / "render.mjs"


class DriverFailed(AssertionError):
    """The driver did not finish a job; the message carries its error and the end of its stderr."""


def run_driver_job(
    job: dict[str, Any], timeout: float = 600, env: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Run the real driver on one job (with this environment, if given); its protocol messages, or DriverFailed."""
    result = subprocess.run(
        ["node", str(DRIVER)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=REMOTION,
        timeout=timeout,
        env=env,
    )
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or not messages or messages[-1].get("type") != "done":
        raise DriverFailed(f"driver exit {result.returncode}: {messages[-1:]}\n{result.stderr[-3000:]}")
    return messages


def build_bundle(out_dir: Path) -> Path:
    run_driver_job({"bundleOnly": True, "bundleOutDir": str(out_dir)})
    return out_dir


def browser_executable() -> str:
    return find_browser(settings_from_env())


def render_stills(
    bundle: Path,
    props: dict[str, Any],
    frames: list[int],
    out_dir: Path,
    env: dict[str, str] | None = None,
    **job: Any,
) -> dict[int, Image.Image]:
    """The given frames of the composition for `props`, as RGB images (PNG files kept in `out_dir`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stills = [{"frame": frame, "outputPath": str(out_dir / f"frame-{frame:05d}.png")} for frame in frames]
    run_driver_job(
        {
            "inputProps": props,
            "serveUrl": str(bundle),
            "browserExecutable": browser_executable(),
            "stills": stills,
            **job,
        },
        env=env,
    )
    images = {}
    for still in stills:
        with Image.open(still["outputPath"]) as image:
            images[int(still["frame"])] = image.convert("RGB")
    return images


@dataclass(frozen=True)
class Box:
    """A region of a 1080x1920 frame, in pixels."""

    left: int
    top: int
    right: int
    bottom: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.right, self.bottom)


def mean_difference(a: Image.Image, b: Image.Image, box: Box | None = None) -> float:
    """Mean absolute difference of two images (0-255), over `box` or the whole frame."""
    if box is not None:
        a, b = a.crop(box.as_tuple()), b.crop(box.as_tuple())
    return float(sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3)


def identical(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is None


def seed_bundle_cache(bundle_dir: Path, bundle: Path) -> Path:
    """A BUNDLE_DIR whose cache already holds `bundle` as the build of the current sources (saves a build).

    The cached build is a copy made of hard links (instant, no space), not a link to `bundle`: what a server writes
    into its bundle (thumbnails/) stays in its own directory. Through a symlink it went into the session's bundle,
    and the next server given it found thumbnails it had not built (test_template_renders waited 400 s)."""
    from tornado_render.render.bundle import READY_MARKER, source_hash

    wanted = source_hash(REMOTION)
    target = bundle_dir / wanted
    if not target.exists():
        shutil.copytree(bundle, target, copy_function=os.link, ignore=shutil.ignore_patterns("thumbnails"))
        (target / READY_MARKER).unlink(missing_ok=True)  # a link to the session's marker: write a file of its own
        (target / READY_MARKER).write_text(wanted)
    return bundle_dir
