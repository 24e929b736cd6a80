"""The Remotion bundle, built once per version of remotion/ and shared by every render.

Re-bundling per request costs seconds of webpack before the first frame. The bundle's identity is a hash of the
Remotion sources (the composition's and the browser preview's, which the driver builds into the bundle's preview/
folder), the files it serves (public/: the soundtrack beds, which the preview plays and the soundtrack mixes in,
and the script that makes them) and lockfile: `BUNDLE_DIR/<hash>/` is reused across restarts, and a change of
sources changes the hash, so a stale bundle is never served. The hash is recomputed only when a file's size or
mtime changes (a stat walk costs well under a millisecond per file). One build runs at a time; every render that
needs the bundle while it builds waits on that build and sees its real progress.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import RenderFailed
from ..logs import get_logger, unbound_task
from .driver import run_driver

BundleProgress = Callable[[float], None]
READY_MARKER = ".tornado-render-complete"
_HASHED_FILES = (
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "scripts/build-preview.mjs",
    "driver/metadata.mjs",
    "scripts/make-beds.mjs",
)
# (driver/metadata.mjs compiles the composition's metadata into the bundle's folder.)
# The composition's sources, the browser preview's (built into the bundle's preview/ folder), and the files the
# bundle serves (public/: the soundtrack beds).
_HASHED_DIRS = ("src", "preview", "public")


def _source_files(remotion_dir: Path) -> list[Path]:
    files = sorted(p for name in _HASHED_DIRS for p in (remotion_dir / name).rglob("*") if p.is_file())
    return files + [remotion_dir / name for name in _HASHED_FILES if (remotion_dir / name).is_file()]


def source_signature(remotion_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap fingerprint (path, size, mtime) of everything that goes into the bundle."""
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in _source_files(remotion_dir))


def source_hash(remotion_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in _source_files(remotion_dir):
        digest.update(str(path.relative_to(remotion_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class BundleCache:
    def __init__(
        self,
        remotion_dir: Path,
        bundle_root: Path,
        driver_argv: list[str],
        *,
        build_timeout: float = 600.0,
    ) -> None:
        self.remotion_dir = remotion_dir
        self.bundle_root = bundle_root
        self.driver_argv = driver_argv
        self.build_timeout = build_timeout
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._hash = ""
        self._build: asyncio.Future[Path] | None = None
        self._build_hash = ""
        self._progress = 0.0
        self._listeners: list[BundleProgress] = []
        self.log = get_logger(component="bundle")

    def current_hash(self) -> str:
        signature = source_signature(self.remotion_dir)
        if signature != self._signature:
            self._hash = source_hash(self.remotion_dir)
            self._signature = signature
        return self._hash

    def ready_dir(self) -> Path | None:
        """The bundle of the current sources, if it is built."""
        directory = self.bundle_root / self.current_hash()
        return directory if (directory / READY_MARKER).is_file() else None

    async def ensure(self, on_progress: BundleProgress | None = None) -> Path:
        """The bundle directory of the current sources, building it if needed; reports 0-100 progress."""
        ready = self.ready_dir()
        if ready is not None:
            if on_progress:
                on_progress(100.0)
            return ready
        wanted = self._hash
        if self._build is None or self._build.done() or self._build_hash != wanted:
            self._start_build(wanted)
        assert self._build is not None
        if on_progress:
            on_progress(self._progress)
            self._listeners.append(on_progress)
        try:
            return await asyncio.shield(self._build)
        finally:
            if on_progress and on_progress in self._listeners:
                self._listeners.remove(on_progress)

    def start_background_build(self) -> asyncio.Future[Path] | None:
        """At server start (or when a request finds no bundle of the current sources): build now, so the first
        render finds a warm bundle. A build of these sources already running is left to finish."""
        if self.ready_dir() is not None:
            return None
        if self._build is None or self._build.done() or self._build_hash != self._hash:
            self._start_build(self._hash)
        return self._build

    def _start_build(self, wanted: str) -> None:
        self._progress = 0.0
        self._build_hash = wanted
        self._build = unbound_task(self._run_build(wanted))  # shared by every job: no job's log fields
        # A failed background build is reported to whoever waits; nobody waiting must not log "never retrieved".
        self._build.add_done_callback(lambda future: future.exception() if not future.cancelled() else None)

    def _report(self, progress: float) -> None:
        self._progress = max(self._progress, progress)
        for listener in list(self._listeners):
            listener(self._progress)

    async def _run_build(self, wanted: str) -> Path:
        started = time.monotonic()
        final = self.bundle_root / wanted
        staging = self.bundle_root / f".{wanted}.building"
        shutil.rmtree(staging, ignore_errors=True)
        self.bundle_root.mkdir(parents=True, exist_ok=True)
        self.log.info("bundling", bundle=wanted)
        await run_driver(
            self.driver_argv,
            {"bundleOnly": True, "bundleOutDir": str(staging)},
            self._handle,
            cwd=self.remotion_dir,
            timeout=self.build_timeout,
            failure_prefix="bundling failed",
        )
        if not (staging / "index.html").is_file():
            raise RenderFailed("bundling failed: the bundle has no index.html")
        (staging / READY_MARKER).write_text(wanted)
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
        self._remove_other_bundles(keep=wanted)
        self._report(100.0)
        self.log.info("bundled", bundle=wanted, seconds=round(time.monotonic() - started, 3))
        return final

    def _handle(self, message: dict[str, object]) -> bool | None:
        """The build's messages: progress to the waiting renders, a browser preview that did not build (renders do
        not need it: logged, and /preview/ has nothing to serve), then done."""
        if message["type"] == "bundle-progress":
            progress = message.get("progress", 0)
            self._report(float(progress) if isinstance(progress, int | float) else 0.0)
        elif message["type"] == "preview-failed":
            self.log.warning("preview_failed", reason=str(message.get("message", ""))[:2000])
        return True if message["type"] == "done" else None

    def _remove_other_bundles(self, keep: str) -> None:
        for entry in self.bundle_root.iterdir():
            if entry.is_dir() and entry.name != keep and not entry.name.startswith("."):
                shutil.rmtree(entry, ignore_errors=True)
