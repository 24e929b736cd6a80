"""One render from start to finish: bundle, render, store, clean up, and the events a client sees on the way.

Order matters and is the spec's: the video is uploaded before `complete` is sent, the local file is deleted only
after the upload succeeded, and a failed upload keeps the file (downloadable from /download) and ends the job with
`error` "S3 upload failed: ...". Every phase is logged with the job id and its timing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from . import naming
from .bundle import BundleCache
from .cleanup import delete_local_file
from .covers import CoverFetcher
from .driver import DriverProcess
from .errors import RenderFailed, UploadFailed
from .job import Job
from .logs import get_logger
from .progress import ProgressTracker
from .storage import Storage


@dataclass(frozen=True)
class RenderOptions:
    """What the driver is told besides the props; each is a setting (see config)."""

    browser_executable: str
    concurrency: int | None = None
    image_format: str = "jpeg"
    jpeg_quality: int | None = None
    x264_preset: str | None = None
    static_spans: bool = True
    license_key: str | None = None
    timeout_seconds: float = 900.0

    def driver_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "browserExecutable": self.browser_executable,
            "concurrency": self.concurrency,
            "imageFormat": self.image_format,
            "jpegQuality": self.jpeg_quality,
            "x264Preset": self.x264_preset,
            "staticSpans": self.static_spans,
            "licenseKey": self.license_key,
        }
        return {key: value for key, value in fields.items() if value is not None}


@dataclass
class RenderOutcome:
    path: Path
    duration_seconds: float
    frame_count: int
    frames_captured: int | None = None
    timings: dict[str, Any] = field(default_factory=dict)


class Pipeline:
    """Runs jobs; owns nothing per job except what `run` creates and cleans up."""

    def __init__(
        self,
        *,
        bundles: BundleCache,
        storage: Storage,
        executor: Executor,
        driver_argv: list[str],
        remotion_dir: Path,
        output_dir: Path,
        options: RenderOptions,
        covers: CoverFetcher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.bundles = bundles
        self.storage = storage
        self.executor = executor
        self.driver_argv = driver_argv
        self.remotion_dir = remotion_dir
        self.output_dir = output_dir
        self.options = options
        self.covers = covers
        self.clock = clock
        self.in_progress: set[str] = set()
        self.keys = naming.KeyAllocator()

    async def run(self, job: Job) -> None:
        """Run a job to its terminal event. Cancellation (timeout, shutdown, orphan) is the caller's."""
        log = get_logger(job_id=job.id, user_id=job.user_id)
        tracker = ProgressTracker()

        def progress(steps: list[Any]) -> None:
            for step in steps:
                job.publish("progress", step.as_event_data())

        progress(tracker.advance_to(0))
        # Covers are fetched while the bundle is prepared; the render needs both.
        props_task = asyncio.ensure_future(self._props(job, log))
        phase = "bundling"
        try:
            phase_started = time.monotonic()
            log.info("bundling")
            serve_dir = await self.bundles.ensure(lambda p: progress(tracker.bundle(p)))
            progress(tracker.bundle(100))
            props = await props_task
            log.info("rendering", bundle_seconds=round(time.monotonic() - phase_started, 3))
            phase, phase_started = "rendering", time.monotonic()
            outcome = await self._render(job, props, serve_dir, lambda p: progress(tracker.render(p)), log)
        except RenderFailed as error:
            log.error("error", phase=phase, reason=error.reason, stderr=error.stderr_tail[-2000:])
            self._fail(job, error.client_message, "render")
            return
        finally:
            props_task.cancel()
        progress(tracker.render(1.0))
        size = outcome.path.stat().st_size
        log.info(
            "rendered",
            render_seconds=round(time.monotonic() - phase_started, 3),
            frames=outcome.frame_count,
            frames_captured=outcome.frames_captured,
            driver_timings=outcome.timings,
            bytes=size,
            filename=outcome.path.name,
        )
        phase_started = time.monotonic()
        try:
            key, url = await asyncio.get_running_loop().run_in_executor(self.executor, self._store, job, outcome.path)
        except UploadFailed as error:
            log.error("error", phase="upload", reason=error.reason, code=error.code, kept_file=outcome.path.name)
            self._fail(job, error.client_message, "upload", kept_file=outcome.path.name)
            return
        url = urljoin(job.base_url, url) if job.base_url else url
        log.info("uploaded", upload_seconds=round(time.monotonic() - phase_started, 3), key=key, bytes=size)
        delete_local_file(outcome.path)
        job.result = {
            "filename": outcome.path.name,
            "s3Url": url,
            "duration": outcome.duration_seconds,
            "key": key,
        }
        job.publish("complete", {"filename": outcome.path.name, "s3Url": url})
        log.info("complete", total_seconds=round(job.elapsed, 3))

    def _fail(self, job: Job, message: str, kind: str, kept_file: str | None = None) -> None:
        job.error = message
        job.error_kind = kind
        if kept_file:
            job.result = {"filename": kept_file}
        job.publish("error", {"message": message})

    def _store(self, job: Job, path: Path) -> tuple[str, str]:
        """Blocking (executor): pick a key nobody used, upload under it; returns (key, url)."""
        meta = job.request["data"]["meta"]
        key = self.keys.allocate(job.user_id, meta["year"], meta["month"], self.clock(), self.storage.exists)
        return key, self.storage.upload(path, key)

    async def _props(self, job: Job, log: Any) -> dict[str, Any]:
        data: dict[str, Any] = job.request["data"]
        return await self.covers.inline_covers(data, log) if self.covers else data

    async def _render(
        self, job: Job, props: dict[str, Any], serve_dir: Path, on_progress: Callable[[float], None], log: Any
    ) -> RenderOutcome:
        meta = job.request["data"]["meta"]
        output = naming.reserve_local_file(self.output_dir, meta["year"], meta["month"], self.clock())
        self.in_progress.add(output.name)
        driver = DriverProcess(self.driver_argv, cwd=str(self.remotion_dir))
        job_spec = {
            "inputProps": props,
            "outputPath": str(output),
            "serveUrl": str(serve_dir),
            **self.options.driver_fields(),
        }
        try:
            await driver.start(job_spec)
            log.info("driver_started", pid=driver.pid, marker=driver.token)
            try:
                return await asyncio.wait_for(self._follow(driver, output, on_progress), self.options.timeout_seconds)
            except asyncio.TimeoutError:
                raise RenderFailed(f"timed out after {self.options.timeout_seconds:g} s") from None
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        finally:
            self.in_progress.discard(output.name)
            await driver.terminate()
            await driver.wait(5)
            log.info("driver_stopped", returncode=driver.returncode, processes_left=len(driver.leftover_pids()))

    async def _follow(self, driver: DriverProcess, output: Path, on_progress: Callable[[float], None]) -> RenderOutcome:
        async for message in driver.messages():
            kind = message["type"]
            if kind == "render-progress":
                on_progress(_number(message.get("progress")))
            elif kind == "error":
                raise RenderFailed(str(message.get("message") or "the render driver reported an error"))
            elif kind == "done":
                if not output.is_file() or output.stat().st_size == 0:
                    raise RenderFailed("the render driver reported success but wrote no video")
                captured, timings = message.get("framesCaptured"), message.get("timings")
                return RenderOutcome(
                    output,
                    _number(message.get("durationInSeconds")),
                    int(_number(message.get("frameCount"))),
                    int(_number(captured)) if captured is not None else None,
                    timings if isinstance(timings, dict) else {},
                )
        await driver.wait(5)
        raise driver.failure()


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RenderFailed(f"the render driver sent a malformed number: {value!r}")
    return float(value)
