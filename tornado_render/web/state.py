"""Everything the handlers share, built once at start (assembly.build_state) and replaceable in tests.

The handlers reach the render side only through the small protocols below, which render/'s objects satisfy (the
bundle and thumbnail caches, the pipeline), and the storage only through `StoredVideos` (videos.py): web/ imports
nothing from render/ or storage/ (the import contract in pyproject.toml).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..batches.runner import BatchRunner
from ..jobs.manager import JobManager
from ..metrics import RenderMetrics
from ..recap import RenderRequest
from ..settings import Settings
from ..shares import ShareLinks
from ..templates import TemplateCatalog
from ..validation.schemas import RequestLimits
from ..videos import StoredVideos
from .preauth import PreAuthBudget


class Build(Protocol):
    """Files built once in the background and served from their folder: the bundle's browser preview
    (render/bundle.py's BundleCache)."""

    def ready_dir(self) -> Path | None: ...

    def start_background_build(self) -> asyncio.Future[Path] | None: ...


class Thumbnails(Build, Protocol):
    """The presets' thumbnails (render/thumbnails.py's ThumbnailCache): a failed build is tried again after
    `retry_seconds`."""

    @property
    def retry_seconds(self) -> float: ...

    def status(self) -> str: ...


class Preflight(Protocol):
    """What POST /validate asks of the render side before any render (render/pipeline.py's Pipeline)."""

    def duration_frames(self, request: RenderRequest) -> int: ...

    def refused_covers(self, request: RenderRequest) -> list[str]: ...


@dataclass
class AppState:
    settings: Settings
    videos: StoredVideos
    bundles: Build
    pipeline: Preflight
    jobs: JobManager
    executor: Executor
    limits: RequestLimits
    metrics: RenderMetrics
    templates: TemplateCatalog
    thumbnails: Thumbnails
    preauth: PreAuthBudget
    # POST /batches: runs the batches this instance accepted; its store is the fleet's (Redis) or this process's.
    batches: BatchRunner
    # Share pages (SHARE_PAGES=on), else None.
    shares: ShareLinks | None = None
    # What the server ends last on shutdown, after the jobs (the pipeline's warm drivers).
    on_shutdown: tuple[Callable[[], Awaitable[None]], ...] = ()
    open_streams: int = 0
