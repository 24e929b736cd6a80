"""Thumbnails of the presets: a still of the sample recap (remotion/src/sampleRecap.json) in each preset, rendered
by the driver's stills mode (Remotion's renderStill, one browser for all of them) at a quarter of the video's size.

They are built once per version of the composition, right after its bundle (BundleCache.current_hash() is the
version), and kept inside that bundle's directory (BUNDLE_DIR/<hash>/thumbnails/), so a new version builds new
ones and the old ones go with their bundle. The server starts the build in the background at start; a request for a
thumbnail waits for a build in progress (up to a limit), and one that finds no build and no thumbnails (a failed
build) starts one. Each still shows the first book of the sample at the end of its hold, where the scene has
settled: colours, fonts, layout and cover size are all in that one picture.
"""

from __future__ import annotations

import asyncio
import os
import json
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import RenderFailed
from ..logs import get_logger
from ..templates import SCENE_TIMING, TemplateCatalog, sample_recap_path, scene_lengths, scenes
from .bundle import READY_MARKER, BundleCache
from .driver import run_driver

SCALE = 0.25
WIDTH, HEIGHT = 1080, 1920
THUMBNAIL_SIZE = (int(WIDTH * SCALE), int(HEIGHT * SCALE))
BUILD_TIMEOUT_SECONDS = 300.0


def thumbnail_frame(recap: Mapping[str, Any], template: Mapping[str, Any]) -> int:
    """The last frame of the first book scene at full opacity (its hold's end), or of the intro without books."""
    kinds = scenes(recap, template)
    lengths = scene_lengths(recap, template)
    overlap = int(template["global"]["timing"]["transitionOverlap"])
    index = kinds.index("book") if "book" in kinds else 0
    start = sum(max(1, length - overlap) for length in lengths[:index])
    parts = SCENE_TIMING[kinds[index]][0]
    fade = max(2, int(template["global"]["timing"][parts[-1]]))
    return start + lengths[index] - fade


class ThumbnailCache:
    def __init__(
        self,
        bundles: BundleCache,
        catalog: TemplateCatalog,
        driver_argv: list[str],
        remotion_dir: Path,
        browser_executable: str,
    ) -> None:
        self.bundles = bundles
        self.catalog = catalog
        self.driver_argv = driver_argv
        self.remotion_dir = remotion_dir
        self.browser_executable = browser_executable
        self._build: asyncio.Future[Path] | None = None
        self.last_error: str | None = None
        self.log = get_logger(component="thumbnails")

    def ready_dir(self) -> Path | None:
        """The thumbnails of the current composition, if they are built."""
        bundle = self.bundles.ready_dir()
        directory = None if bundle is None else bundle / "thumbnails"
        return directory if directory is not None and (directory / READY_MARKER).is_file() else None

    def path(self, preset_id: str) -> Path | None:
        directory = self.ready_dir()
        return None if directory is None or preset_id not in self.catalog.presets else directory / f"{preset_id}.png"

    def start_background_build(self) -> asyncio.Future[Path] | None:
        """At server start (after the bundle, which it waits for): build them now, unless they are there."""
        if self.ready_dir() is not None:
            return None
        if self._build is None or self._build.done():
            self._build = asyncio.ensure_future(self._run_build())
            self._build.add_done_callback(lambda future: future.exception() if not future.cancelled() else None)
        return self._build

    async def wait(self, timeout: float) -> Path | None:
        """The thumbnails directory, waiting up to `timeout` s for a build (starting one if none is running)."""
        ready = self.ready_dir()
        if ready is not None:
            return ready
        build = self.start_background_build()
        if build is None:
            return self.ready_dir()
        try:
            return await asyncio.wait_for(asyncio.shield(build), timeout)
        except asyncio.TimeoutError:
            return None
        except RenderFailed:
            return None

    async def _run_build(self) -> Path:
        started = time.monotonic()
        try:
            bundle = await self.bundles.ensure()
            final = bundle / "thumbnails"
            staging = bundle / f".thumbnails.{os.getpid()}.building"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            sample = json.loads(sample_recap_path(self.remotion_dir).read_text())
            stills = [
                {
                    "frame": thumbnail_frame(sample, preset.resolved),
                    "outputPath": str(staging / f"{preset.id}.png"),
                    "inputProps": {**sample, "template": preset.resolved},
                }
                for preset in self.catalog.presets.values()
            ]
            job = {
                "inputProps": sample,
                "serveUrl": str(bundle),
                "browserExecutable": self.browser_executable,
                "stills": stills,
                "scale": SCALE,
            }
            await run_driver(
                self.driver_argv,
                job,
                lambda message: True if message["type"] == "done" else None,
                cwd=self.remotion_dir,
                timeout=BUILD_TIMEOUT_SECONDS,
                failure_prefix="thumbnails failed",
            )
            missing = [still["outputPath"] for still in stills if not Path(str(still["outputPath"])).is_file()]
            if missing:
                raise RenderFailed(f"thumbnails failed: the driver wrote no {', '.join(missing)}")
            (staging / READY_MARKER).write_text(bundle.name)
            shutil.rmtree(final, ignore_errors=True)
            staging.rename(final)
        except RenderFailed as error:
            self.last_error = error.client_message
            self.log.warning("thumbnails_failed", reason=error.reason)
            raise
        self.last_error = None
        self.log.info("thumbnails_built", count=len(stills), seconds=round(time.monotonic() - started, 3))
        return final
