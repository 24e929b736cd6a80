"""One render from start to finish: covers and bundle, the driver, storage, clean-up. It reports progress as the
integers a client sees and returns an Outcome, or raises JobFailed with the reason; the job manager turns either
into the job's terminal event. The pipeline knows nothing of jobs, clients or the web, so the command line runs it
too (`tornado-render render`).

Order matters and is the spec's: the video is uploaded before the outcome is returned, the local file is deleted
only after the upload succeeded, and a failed upload keeps the file (downloadable from /download). Every phase is
logged with its timing.

The soundtrack (soundtrack.py) is prepared beside the render, from the start (the video's length is known before
its first frame), and muxed into the driver's video once that is complete, before the video is stored: a video
appears in OUTPUT_DIR only when it is whole, sound included. A soundtrack that cannot be made is a warning in the
outcome (stored with the video, so a later cache hit repeats it) and a silent video, never a failed render.

A video's length is the one duration rule's (templates.duration_frames, the Python side of the composition's
calculateDuration; tests compare the two): the `duration` clients are told, and what the storage records, is the
rule's, and a driver that reports another frame count is logged as a bug (`duration_mismatch`).

A request with a `chunk` is a part of another's render (CHUNK_FLEET, fleet_chunks.py): its frames of each shape are
rendered and stored under chunks/ for the render's coordinator, silent, with no card, poster or share page.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from ..errors import FailureReason, JobFailed, MediaToolFailed, RenderFailed, UploadFailed
from ..logs import get_logger
from ..recap import RenderRequest
from ..settings import Settings
from ..storage import Storage
from ..storage.naming import storage_key, video_filename, video_token
from ..templates import FPS, TemplateCatalog, duration_frames
from .assets import asset_names, asset_path, extract_poster, locate_assets, store_assets
from .audio_source import AudioPolicy
from .bundle import BundleCache
from .chunks import (
    ChunkFleet,
    ChunkProgress,
    chunk_count,
    chunk_jobs,
    chunk_key,
    chunk_path,
    chunk_ranges,
    join_videos,
    render_chunks,
)
from .covers import CoverFetcher, CoverPolicy, InlinedCovers, refused_cover_warnings
from .driver import driver_argv, run_driver
from .progress import ProgressStep, ProgressTracker
from .soundtrack import PreparedAudio, Soundtrack
from .warm import DriverPool
from .workspace import rendering_path

Report = Callable[[ProgressStep], None]
T = TypeVar("T")
MUX_FAILED = "template.audio: the soundtrack could not be added to the video; the video is silent"

log = get_logger()  # a job's lines carry its id and userId: the runner binds them (logs.py)


@dataclass(frozen=True)
class RenderOptions:
    """What the driver is told besides the props; each is a setting."""

    browser_executable: str
    concurrency: int
    image_format: str
    jpeg_quality: int
    x264_preset: str
    static_spans: bool
    license_key: str | None
    timeout_seconds: float
    # A render of more than chunk_min_frames frames in chunks of chunk_frames (0: whole), chunk_drivers at once.
    chunk_frames: int = 0
    chunk_min_frames: int = 0
    chunk_drivers: int = 1

    @classmethod
    def from_settings(cls, settings: Settings, browser_executable: str) -> RenderOptions:
        """The driver settings every render uses (scripts/bench measures the same ones against Remotion's CLI)."""
        return cls(
            browser_executable=browser_executable,
            concurrency=settings.render_concurrency,
            image_format=settings.render_image_format,
            jpeg_quality=settings.render_jpeg_quality,
            x264_preset=settings.render_x264_preset,
            static_spans=settings.render_static_spans,
            license_key=settings.remotion_license_key,
            timeout_seconds=settings.render_timeout_seconds,
            chunk_frames=settings.chunk_frames,
            chunk_min_frames=settings.chunk_min_frames,
            chunk_drivers=settings.chunk_drivers,
        )

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


@dataclass(frozen=True)
class Outcome:
    """What a successful render produced, and how long its phases took."""

    filename: str
    url: str
    key: str
    duration: float
    render_seconds: float
    upload_seconds: float
    # What the reader should know about this video (a soundtrack that could not be used), stored with it.
    warnings: tuple[str, ...] = ()
    # The video's assets that are stored, by name (naming.ASSET_EXTENSIONS: poster, card, square, landscape): URLs.
    assets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Video:
    path: Path
    duration_seconds: float
    frame_count: int
    frames_captured: int | None
    timings: dict[str, Any]


@dataclass(frozen=True)
class _Start:
    """What every render of a request begins with, whole or a chunk of it: its progress, reported in order from 0,
    and where its video and other files go while it renders."""

    tracker: ProgressTracker
    report: Report
    rendered: Path
    extras: dict[str, Path]

    @classmethod
    def of(cls, request: RenderRequest, report: Report, output_dir: Path, filename: str) -> _Start:
        rendered = rendering_path(output_dir, filename)
        start = cls(
            ProgressTracker(), report, rendered, {name: asset_path(rendered, name) for name in asset_names(request)}
        )
        start.progress(start.tracker.advance_to(0))
        return start

    def progress(self, steps: list[ProgressStep]) -> None:
        for step in steps:
            self.report(step)


class Pipeline:
    """Runs renders; owns nothing per render except what `run` creates and cleans up."""

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
        covers: CoverFetcher,
        video_secret: bytes,
        templates: TemplateCatalog,
        soundtrack: Soundtrack,
        drivers: DriverPool | None = None,
    ) -> None:
        self.bundles = bundles
        self.storage = storage
        self.executor = executor
        self.driver_argv = driver_argv
        self.remotion_dir = remotion_dir
        self.output_dir = output_dir
        self.options = options
        self.covers = covers
        self.video_secret = video_secret
        self.templates = templates
        self.soundtrack = soundtrack
        # Warm drivers (WARM_RENDERS > 0) render the videos; None: a new driver for every render.
        self.drivers = drivers
        # CHUNK_FLEET: a chunked render's chunks go to the fleet's queue (set once the job manager exists).
        self.fleet: ChunkFleet | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        browser_executable: str,
        storage: Storage,
        executor: Executor,
        video_secret: bytes,
        templates: TemplateCatalog | None = None,
    ) -> Pipeline:
        argv = driver_argv(settings.driver_command, settings.node_executable, settings.remotion_dir)
        policy = CoverPolicy(
            timeout_seconds=settings.cover_timeout_seconds,
            max_bytes=settings.cover_max_bytes,
            allowed_networks=settings.cover_allowed_networks,
        )
        templates = templates or TemplateCatalog.for_remotion_dir(settings.remotion_dir)
        audio_policy = AudioPolicy(max_bytes=settings.audio_max_bytes, allowed_networks=settings.cover_allowed_networks)
        return cls(
            bundles=BundleCache(settings.remotion_dir, settings.bundle_dir, argv),
            storage=storage,
            executor=executor,
            driver_argv=argv,
            remotion_dir=settings.remotion_dir,
            output_dir=settings.output_dir,
            options=RenderOptions.from_settings(settings, browser_executable),
            covers=CoverFetcher(policy, executor),
            video_secret=video_secret,
            templates=templates,
            soundtrack=Soundtrack.for_remotion_dir(settings.remotion_dir, templates.tracks, audio_policy),
            drivers=DriverPool(argv, settings.remotion_dir, settings.warm_renders) if settings.warm_renders else None,
        )

    async def close(self) -> None:
        """End the warm drivers, if any (the server's shutdown, the end of a command-line render)."""
        if self.drivers is not None:
            await self.drivers.close()

    def video_name(self, request: RenderRequest) -> tuple[str, str]:
        """(file name, storage key) of this request's video from the current composition: always the same pair."""
        token = video_token(self.video_secret, request.canonical(), self.bundles.current_hash())  # a chunk's: its whole
        filename = video_filename(request.year, request.month, token)
        return filename, storage_key(request.user_id, filename, request.year, request.month)

    def duration_frames(self, request: RenderRequest) -> int:
        """How many frames this request's video has (its template resolved again: a request built without one means
        the defaults, and resolving a complete template changes nothing)."""
        return duration_frames(request.recap, self.templates.resolve(request.template))

    def refused_covers(self, request: RenderRequest) -> list[str]:
        """The warnings a render of this request would give about the covers that their URLs alone show it will not
        use (COVER_ALLOWED_NETWORKS), known before any fetch (POST /validate)."""
        return refused_cover_warnings(request.recap, self.covers.policy.allowed_networks)

    async def cached(self, request: RenderRequest) -> Outcome | None:
        """The video of this very request and composition, and every asset the request asks for, if they are stored
        already (no render needed). A chunk's video is its coordinator's to look for."""
        if request.chunk is not None:
            return None
        filename, key = self.video_name(request)
        loop = asyncio.get_running_loop()
        stored = await loop.run_in_executor(self.executor, self.storage.locate, key)
        if stored is None:
            return None
        assets = await loop.run_in_executor(self.executor, locate_assets, self.storage, key, asset_names(request))
        if assets is None:
            return None
        return Outcome(filename, stored.url, key, stored.duration, 0.0, 0.0, stored.warnings, assets.urls)

    async def run(self, request: RenderRequest, report: Report) -> Outcome:
        """Render, store and clean up one request. Cancellation (timeout, shutdown, orphan) is the caller's."""
        if request.chunk is not None:
            return await self._run_chunk(request, request.chunk, report)
        start = _Start.of(request, report, self.output_dir, self.video_name(request)[0])
        progress, tracker, rendered, extras = start.progress, start.tracker, start.rendered, start.extras
        # The soundtrack is prepared while everything else happens.
        audio = self.templates.resolve(request.template).get("audio")
        audio_task = asyncio.ensure_future(
            self.soundtrack.prepare(audio, self.duration_frames(request), rendered.parent, rendered.stem)
        )
        try:
            serve_dir, covers, started = await self._bundle_and_covers(request, start)
            video = await self._render(
                request, covers.props, serve_dir, rendered, extras, lambda p: progress(tracker.render(p))
            )
            audio = await audio_task
            warnings = covers.warnings + await self._with_soundtrack(video.path, audio)
            for name in request.formats:
                if name in extras:
                    warnings += await self._with_soundtrack(extras[name], audio)
            await self._poster(video.path, extras["poster"])
        except BaseException:
            _remove_quietly(*extras.values())
            raise
        finally:
            audio_task.cancel()
            await asyncio.wait([audio_task])  # its ffmpeg is gone before its files are
            _remove_quietly(
                rendered.with_suffix(".m4a"), *(path.with_suffix(".muxed.mp4") for path in [rendered, *extras.values()])
            )
        # Only complete videos appear in OUTPUT_DIR (/videos, /download).
        finished = self.output_dir / rendered.name
        rendered.replace(finished)
        video = replace(video, path=finished)
        warnings = tuple(dict.fromkeys(warnings))
        progress(tracker.render(1.0))
        render_seconds = round(time.monotonic() - started, 3)  # as logged, so metrics and log agree
        size = video.path.stat().st_size
        log.info(
            "rendered",
            render_seconds=render_seconds,
            frames=video.frame_count,
            frames_captured=video.frames_captured,
            driver_timings=video.timings,
            bytes=size,
            filename=video.path.name,
        )
        started = time.monotonic()
        key, url, assets = await self._store(request, video, extras, warnings)
        upload_seconds = round(time.monotonic() - started, 3)
        log.info("uploaded", upload_seconds=upload_seconds, key=key, bytes=size, assets=sorted(assets))
        _delete_local_file(video.path)
        _remove_quietly(*extras.values())
        return Outcome(
            video.path.name, url, key, video.duration_seconds, render_seconds, upload_seconds, warnings, assets
        )

    async def _bundle_and_covers(self, request: RenderRequest, start: _Start) -> tuple[Path, InlinedCovers, float]:
        """The bundle made ready (its progress reported) and the request's props with their covers inlined, fetched
        meanwhile; and the moment the render proper starts (render_seconds counts from there)."""
        props_task = asyncio.ensure_future(self.covers.inline_covers_and_warn(request.props()))
        try:
            serve_dir = await self._bundle(lambda p: start.progress(start.tracker.bundle(p)))
            start.progress(start.tracker.bundle(100))
            started = time.monotonic()
            return serve_dir, await props_task, started
        finally:
            props_task.cancel()

    async def _with_soundtrack(self, video: Path, audio: PreparedAudio) -> tuple[str, ...]:
        """The soundtrack muxed into the video at `video` (in place), or the warnings that say why it stays silent."""
        if audio.path is None:
            return audio.warnings
        muxed = video.with_suffix(".muxed.mp4")
        started = time.monotonic()
        try:
            await self.soundtrack.mux(video, audio.path, muxed)
        except MediaToolFailed as error:
            log.warning("audio_mux_failed", reason=error.reason, stderr=error.stderr_tail[-2000:])
            return (
                *audio.warnings,
                "template.audio: the soundtrack could not be added to the video; the video is silent",
            )
        muxed.replace(video)
        log.info(
            "audio_muxed",
            video=video.name,
            mux_seconds=round(time.monotonic() - started, 3),
            bytes=video.stat().st_size,
            **{key: value for key, value in audio.figures.items() if key != "prepare_seconds"},
        )
        return audio.warnings

    async def _poster(self, video: Path, poster: Path) -> None:
        """The story's first frame (the finished title card) as its poster."""
        started = time.monotonic()
        try:
            await extract_poster(self.soundtrack.tools, video, poster)
        except MediaToolFailed as error:
            log.warning("poster_failed", reason=error.reason, stderr=error.stderr_tail[-2000:])
            raise JobFailed(FailureReason.RENDER, RenderFailed(error.reason).summary) from None
        log.info("poster", seconds=round(time.monotonic() - started, 3), bytes=poster.stat().st_size)

    async def _bundle(self, on_progress: Callable[[float], None]) -> Path:
        started = time.monotonic()
        log.info("bundling")
        try:
            serve_dir = await self.bundles.ensure(on_progress)
        except RenderFailed as error:
            raise _job_failure(error, FailureReason.BUNDLING) from None
        log.info("rendering", bundle_seconds=round(time.monotonic() - started, 3))
        return serve_dir

    async def _render(
        self,
        request: RenderRequest,
        props: dict[str, Any],
        serve_dir: Path,
        output: Path,
        extras: dict[str, Path],
        on_progress: Callable[[float], None],
    ) -> Video:
        """The driver's video at `output`, its other shapes and its card at their `extras` paths (all in the
        rendering directory: the caller moves them on)."""
        shapes = [name for name in request.formats if name in extras]
        job = self._driver_job(request, props, serve_dir, output, extras)
        made = [output, *(extras[name] for name in shapes), extras["card"]]
        expected_frames = self.duration_frames(request)
        count = chunk_count(expected_frames, self.options.chunk_frames, self.options.chunk_min_frames)
        if count > 1:
            videos = {"story": output, **{name: extras[name] for name in shapes}}
            return await self._render_chunks(request, job, count, expected_frames, videos, on_progress)

        def handle(message: dict[str, Any]) -> Video | None:
            if message["type"] == "render-progress":
                on_progress(_number(message.get("progress")))
            elif message["type"] == "done":
                _require_written(made)
                frames = int(_number(message.get("frameCount")))
                if frames != expected_frames:
                    log.warning("duration_mismatch", frames=frames, expected_frames=expected_frames)
                captured, timings = message.get("framesCaptured"), message.get("timings")
                return Video(
                    output,
                    expected_frames / FPS,
                    frames,
                    int(_number(captured)) if captured is not None else None,
                    timings if isinstance(timings, dict) else {},
                )
            return None

        try:
            return await self._run_driver(job, handle)
        except RenderFailed as error:
            raise _job_failure(error, FailureReason.RENDER) from None

    def _driver_job(
        self, request: RenderRequest, props: dict[str, Any], serve_dir: Path, output: Path, extras: dict[str, Path]
    ) -> dict[str, Any]:
        """The driver's job for the whole video at `output`, its other shapes and its card at their `extras` paths."""
        return {
            "inputProps": props,
            "outputPath": str(output),
            "serveUrl": str(serve_dir),
            "formats": [
                {"format": name, "outputPath": str(extras[name])} for name in request.formats if name in extras
            ],
            "card": {"outputPath": str(extras["card"])},
            **self.options.driver_fields(),
        }

    async def _render_chunks(
        self,
        request: RenderRequest,
        job: dict[str, Any],
        count: int,
        expected_frames: int,
        named_videos: dict[str, Path],
        on_progress: Callable[[float], None],
    ) -> Video:
        """The whole render's `job` in `count` chunks (chunks.py), rendered by several drivers at once here, or by the
        fleet (CHUNK_FLEET), and each of its videos (the story, its other shapes, by name) joined from its chunks;
        the card comes with the first chunk, which is always rendered here."""
        progress = ChunkProgress(count, on_progress)
        videos = list(named_videos.values())
        parts = [[chunk_path(video, index) for index in range(count)] for video in videos]

        def handle_for(index: int) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
            def handle(message: dict[str, Any]) -> dict[str, Any] | None:
                if message["type"] == "render-progress":
                    progress.chunk(index, _number(message.get("progress")))
                elif message["type"] == "done":
                    card = [Path(job["card"]["outputPath"])] if index == 0 else []
                    _require_written([chunks[index] for chunks in parts] + card)
                    return message
                return None

            return handle

        try:
            if self.fleet is not None:
                fleet = self._on_the_fleet(self.fleet, request, chunk_jobs(job, count, 1), named_videos, handle_for)
                done = await _within(fleet, self.options.timeout_seconds)
            else:
                done = await render_chunks(
                    chunk_jobs(job, count, self.options.chunk_drivers),
                    handle_for,
                    argv_for=lambda _: self.driver_argv,
                    cwd=self.remotion_dir,
                    timeout=self.options.timeout_seconds,
                    drivers_at_once=self.options.chunk_drivers,
                    pool=self.drivers,
                )
            ranges = chunk_ranges(done, expected_frames)
            started = time.monotonic()
            for video, chunks in zip(videos, parts, strict=True):
                await join_videos(self.soundtrack.tools, chunks, video)
        except RenderFailed as error:
            raise _job_failure(error, FailureReason.RENDER) from None
        except MediaToolFailed as error:
            log.warning("chunks_join_failed", reason=error.reason, stderr=error.stderr_tail[-2000:])
            raise JobFailed(FailureReason.RENDER, RenderFailed(error.reason).summary) from None
        finally:
            _remove_quietly(*(path for chunks in parts for path in chunks))
        join_seconds = round(time.monotonic() - started, 3)
        held = [[chunk.first, chunk.last] for chunk in ranges]
        log.info("chunks_joined", chunks=count, ranges=held, videos=len(videos), join_seconds=join_seconds)
        progress.joined()
        captured = [message.get("framesCaptured") for message in done]
        return Video(
            videos[0],
            expected_frames / FPS,
            expected_frames,
            sum(int(_number(value)) for value in captured) if None not in captured else None,
            {"chunks": [message.get("timings") for message in done], "joinSeconds": join_seconds},
        )

    async def _on_the_fleet(
        self,
        fleet: ChunkFleet,
        request: RenderRequest,
        jobs: list[dict[str, Any]],
        named_videos: dict[str, Path],
        handle_for: Callable[[int], Callable[[dict[str, Any]], T | None]],
    ) -> list[T]:
        """The chunk `jobs` rendered over the fleet (CHUNK_FLEET): those this instance renders run `jobs[index]`,
        the others' videos are fetched to where this instance's would be."""

        def run_here(index: int) -> Awaitable[T]:
            return self._run_driver(jobs[index], handle_for(index), f"chunk {index + 1} of {len(jobs)}")

        def paths_of(index: int) -> dict[str, Path]:
            return {name: chunk_path(video, index) for name, video in named_videos.items()}

        video_key = self.video_name(request)[1]
        return await fleet.render(request, len(jobs), video_key, paths_of, handle_for, run_here)

    async def _run_driver(
        self, job: dict[str, Any], handle: Callable[[dict[str, Any]], T | None], chunk: str = ""
    ) -> T:
        """`job` by a driver of this instance (`chunk`: which, "chunk 2 of 3", for its failure's message)."""
        return await run_driver(
            self.driver_argv,
            job,
            handle,
            cwd=self.remotion_dir,
            timeout=self.options.timeout_seconds,
            failure_prefix=chunk,
            announce=True,
            pool=self.drivers,
        )

    async def _run_chunk(self, request: RenderRequest, chunk: tuple[int, int], report: Report) -> Outcome:
        """A chunk job (CHUNK_FLEET): chunk `index` of `count` of the whole request's video (and of its other
        shapes), stored under chunks/ (chunks.chunk_key) for the coordinator, who joins them, muxes the soundtrack
        and stores the video. The record (`done.json`, the driver's word on which frames it holds) is stored last:
        found, the videos are there."""
        index, count = chunk
        whole = replace(request, chunk=None)
        filename, key = self.video_name(whole)
        start = _Start.of(whole, report, self.output_dir, filename)
        progress, tracker = start.progress, start.tracker
        paths: dict[str, Path] = {}
        try:
            serve_dir, covers, started = await self._bundle_and_covers(whole, start)
            whole_job = self._driver_job(whole, covers.props, serve_dir, start.rendered, start.extras)
            job = chunk_jobs(whole_job, count, 1)[index]
            job.pop("card", None)  # the coordinator's first chunk makes it
            paths = {"story": Path(job["outputPath"])}
            paths.update((shape["format"], Path(shape["outputPath"])) for shape in job["formats"])

            def handle(message: dict[str, Any]) -> dict[str, Any] | None:
                if message["type"] == "render-progress":
                    progress(tracker.render(_number(message.get("progress"))))
                elif message["type"] == "done":
                    _require_written(list(paths.values()))
                    return message
                return None

            try:
                done = await self._run_driver(job, handle, f"chunk {index + 1} of {count}")
            except RenderFailed as error:
                raise _job_failure(error, FailureReason.RENDER) from None
            render_seconds = round(time.monotonic() - started, 3)
            record: dict[str, Any] = {
                name: done[name] for name in ("frameRange", "frameCount", "framesCaptured", "timings") if name in done
            }
            started = time.monotonic()

            def upload() -> None:
                for name, path in paths.items():
                    self.storage.put_file(path, chunk_key(key, index, f"{name}.mp4"), "video/mp4")
                self.storage.put_record(chunk_key(key, index, "done.json"), record)

            try:
                await asyncio.get_running_loop().run_in_executor(self.executor, upload)
            except UploadFailed as error:
                log.warning("upload_failed", reason=error.reason, code=error.code)
                raise JobFailed(FailureReason.UPLOAD, error.summary) from None
        finally:
            # Only its chunk's videos: the whole render's files beside them may be its coordinator's, in this process.
            _remove_quietly(*paths.values())
        upload_seconds = round(time.monotonic() - started, 3)
        log.info(
            "chunk_stored",
            chunk=index,
            chunks=count,
            render_seconds=render_seconds,
            frame_range=record.get("frameRange"),
        )
        progress(tracker.render(1.0))
        frames = int(_number(done.get("frameCount")))
        return Outcome(
            f"{Path(key).stem}.chunk-{index:03d}",
            "",
            chunk_key(key, index, "done.json"),
            frames / FPS,
            render_seconds,
            upload_seconds,
        )

    async def _store(
        self, request: RenderRequest, video: Video, extras: dict[str, Path], warnings: tuple[str, ...]
    ) -> tuple[str, str, dict[str, str]]:
        """Upload the assets, then the video under the key that ends in the file's own name; (key, url, assets'
        URLs). The video goes last: a video found in storage has its assets beside it. Whatever the storage raises
        is an upload failure: the video's file stays, and /download serves it."""
        path = video.path
        key = storage_key(request.user_id, path.name, request.year, request.month)

        def upload() -> tuple[str, dict[str, str]]:
            try:
                assets = store_assets(self.storage, key, extras)
                return self.storage.upload(path, key, video.duration_seconds, warnings), assets.urls
            except OSError as error:
                raise UploadFailed(error.strerror or str(error), code=type(error).__name__) from None

        try:
            url, assets = await asyncio.get_running_loop().run_in_executor(self.executor, upload)
        except UploadFailed as error:
            log.warning("upload_failed", reason=error.reason, code=error.code, kept_file=path.name)
            raise JobFailed(FailureReason.UPLOAD, error.summary, kept_file=path.name) from None
        return key, url, assets


def _job_failure(error: RenderFailed, reason: FailureReason) -> JobFailed:
    """A driver failure as the job's failure: a timeout is a timeout in whichever phase."""
    log.warning("driver_failed", reason=error.reason, stderr=error.stderr_tail[-2000:])
    return JobFailed(FailureReason.TIMEOUT if error.timed_out else reason, error.summary)


async def _within(work: Awaitable[T], seconds: float) -> T:
    """`work`, or RenderFailed(timed out) after `seconds` (the whole render's timeout, chunks included)."""
    try:
        return await asyncio.wait_for(work, seconds)
    except asyncio.TimeoutError:
        raise RenderFailed(f"timed out after {seconds:g} s", timed_out=True) from None


def _require_written(made: list[Path]) -> None:
    """A driver's `done` is believed only when every file it was to write is there and not empty."""
    missing = [path.name for path in made if not path.is_file() or path.stat().st_size == 0]
    if missing:
        raise RenderFailed(f"the render driver reported success but did not write {', '.join(missing)}")


def _remove_quietly(*paths: Path) -> None:
    """A render's working files, whatever became of them (moved away, never made, or left by a failure)."""
    for path in paths:
        path.unlink(missing_ok=True)


def _delete_local_file(path: Path) -> None:
    """Remove a rendered file once it is safely stored, and only then."""
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return
    log.info("local_file_deleted", path=str(path), bytes=size)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RenderFailed(f"the render driver sent a malformed number: {value!r}")
    return float(value)
