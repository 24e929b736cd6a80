"""Everything the handlers share, built once at start and replaceable in tests."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field

from .bundle import BundleCache
from .config import Settings
from .jobs import JobManager
from .metrics import RenderMetrics
from .pipeline import Pipeline
from .schemas import RequestLimits
from .storage import Storage


@dataclass
class AppState:
    settings: Settings
    storage: Storage
    bundles: BundleCache
    pipeline: Pipeline
    jobs: JobManager
    executor: Executor
    limits: RequestLimits
    signing_keys: tuple[bytes, ...] = ()
    open_streams: int = 0
    metrics: RenderMetrics = field(default_factory=RenderMetrics)
