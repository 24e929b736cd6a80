"""Everything the handlers share, built once at start (app.build_state) and replaceable in tests."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from ..jobs.manager import JobManager
from ..metrics import RenderMetrics
from ..render.bundle import BundleCache
from ..render.pipeline import Pipeline
from ..render.thumbnails import ThumbnailCache
from ..settings import Settings
from ..shares import ShareLinks
from ..storage import Storage
from ..templates import TemplateCatalog
from ..validation.schemas import RequestLimits
from .preauth import PreAuthBudget


@dataclass
class AppState:
    settings: Settings
    storage: Storage
    bundles: BundleCache
    pipeline: Pipeline
    jobs: JobManager
    executor: Executor
    limits: RequestLimits
    metrics: RenderMetrics
    templates: TemplateCatalog
    thumbnails: ThumbnailCache
    preauth: PreAuthBudget
    # Share pages (SHARE_PAGES=on), else None.
    shares: ShareLinks | None = None
    open_streams: int = 0
