"""Thumbnails of the presets: a still of the sample recap (remotion/src/sampleRecap.json) in each preset, rendered
by the driver's stills mode (Remotion's renderStill, one browser for all of them) at a quarter of the video's size
(270 x 480 PNG).

They are built once per version of the composition, right after its bundle (the bundle's hash is the version), and
kept inside that bundle's directory (BUNDLE_DIR/<hash>/thumbnails/), so a new version builds new ones and the old
ones go with their bundle. The server starts the build in the background at start. Nobody waits for it: a request
for a thumbnail that is not built yet is told to come back (the handler's 503 with Retry-After), and one that finds
no build running and no thumbnails (the sources changed, or the last build failed more than RETRY_SECONDS ago)
starts one. Each still shows the first book of the sample at the end of its hold, where the scene has settled:
colors, fonts, layout and cover size are all in that one picture.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from ..errors import RenderFailed
from ..logs import get_logger, unbound_task
from ..templates import SCENE_TIMING, TemplateCatalog, sample_recap_path, scene_lengths, scenes
from .bundle import READY_MARKER, BundleCache
from .driver import run_driver

SCALE = 0.25
WIDTH, HEIGHT = 1080, 1920
THUMBNAIL_SIZE = (int(WIDTH * SCALE), int(HEIGHT * SCALE))
BUILD_TIMEOUT_SECONDS = 300.0
RETRY_SECONDS = 60.0
FOLDER = "thumbnails"

Status = Literal["ready", "building", "failed", "absent"]


def thumbnail_frame(recap: Mapping[str, Any], template: Mapping[str, Any]) -> int:
    """The last frame of the first book scene at full opacity (choreography.ts fadeStartsAt), or of the intro when
    the recap has no books."""
    kinds = scenes(recap, template)
    lengths = scene_lengths(recap, template)
    overlap = int(template["global"]["timing"]["transitionOverlap"])
    index = kinds.index("book") if "book" in kinds else 0
    start = sum(max(1, length - overlap) for length in lengths[:index])
    fade_part = SCENE_TIMING[kinds[index]][0][-1]
    fade = max(2, round(float(template["global"]["timing"][fade_part])))
    return start + lengths[index] - fade


class ThumbnailCache:
    # After a failed build, how long until a request starts another (the Retry-After of GET /templates/<id>.png).
    retry_seconds = RETRY_SECONDS

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
        self._failed_at: float | None = None
        self.log = get_logger(component="thumbnails")

    def ready_dir(self) -> Path | None:
        """The thumbnails of the current composition, if they are built."""
        bundle = self.bundles.ready_dir()
        directory = None if bundle is None else bundle / FOLDER
        return directory if directory is not None and (directory / READY_MARKER).is_file() else None

    def path(self, preset_id: str) -> Path | None:
        """The thumbnail of a preset, when it is built (None for an unknown preset too)."""
        directory = self.ready_dir()
        return None if directory is None or preset_id not in self.catalog.presets else directory / f"{preset_id}.png"

    def status(self) -> Status:
        if self.ready_dir() is not None:
            return "ready"
        if self._build is not None and not self._build.done():
            return "building"
        if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_SECONDS:
            return "failed"
        return "absent"

    def start_background_build(self) -> asyncio.Future[Path] | None:
        """Build them now (after the bundle, which the build waits for), unless they are built or being built, or
        the last build failed less than RETRY_SECONDS ago. Returns the build, if one runs."""
        status = self.status()
        if status == "absent":
            self._build = unbound_task(self._run_build())  # shared work: no job's log fields
            # A failed build is logged; nobody waiting on it must not log "exception never retrieved".
            self._build.add_done_callback(lambda future: future.exception() if not future.cancelled() else None)
        return self._build if self.status() == "building" else None

    async def _run_build(self) -> Path:
        try:
            bundle = await self.bundles.ensure()
            started = time.monotonic()
            final = await self._render_into(bundle)
        except RenderFailed as error:
            self._failed_at = time.monotonic()
            self.log.warning("thumbnails_failed", reason=error.reason, stderr=error.stderr_tail[-2000:])
            raise
        self._failed_at = None
        seconds = round(time.monotonic() - started, 3)
        self.log.info("thumbnails_built", count=len(self.catalog.presets), seconds=seconds, bundle=bundle.name)
        return final

    async def _render_into(self, bundle: Path) -> Path:
        """Render every preset's still into a staging folder of the bundle, then move it into place whole."""
        final = bundle / FOLDER
        staging = bundle / f".{FOLDER}.{os.getpid()}.building"
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
        try:
            await run_driver(
                self.driver_argv,
                job,
                lambda message: True if message["type"] == "done" else None,
                cwd=self.remotion_dir,
                timeout=BUILD_TIMEOUT_SECONDS,
                failure_prefix="thumbnails failed",
            )
            missing = [name for name in (Path(str(still["outputPath"])) for still in stills) if not name.is_file()]
            if missing:
                raise RenderFailed(f"thumbnails failed: the driver wrote no {', '.join(path.name for path in missing)}")
            (staging / READY_MARKER).write_text(bundle.name)
            shutil.rmtree(final, ignore_errors=True)
            staging.rename(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return final
