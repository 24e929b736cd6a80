"""The composition root: the app's parts built from settings and wired together (`build_state`), for the server
(cli/serve.py) and tests.

It sits above web/ (it fills web/state.py's AppState) and is the one place that knows every layer: the jobs, the
render pipeline, the storage, the caches and the request limits. The layers below get what they need handed in.
"""

from __future__ import annotations

import functools
import secrets
from concurrent.futures import Executor, ThreadPoolExecutor

from .batches.runner import BatchRunner
from .batches.store import BatchStore, MemoryBatchStore
from .fleet_chunks import FleetChunks
from .jobs.manager import JobManager
from .jobs.store import Admission, JobLimits, JobStore, MemoryJobStore
from .metrics import RenderMetrics
from .render.pipeline import Pipeline
from .render.thumbnails import ThumbnailCache
from .settings import Settings
from .shares import ShareLinks
from .storage import Storage, make_storage
from .templates import TemplateCatalog
from .validation.request_parsing import revalidate
from .validation.schemas import RequestLimits
from .videos import StoredVideos
from .web.preauth import PreAuthBudget
from .web.state import AppState


def job_limits(settings: Settings) -> JobLimits:
    """What the jobs layer enforces, from the settings that name it."""
    return JobLimits(
        admission=Admission(
            max_running=settings.max_concurrent_renders,
            max_queued=settings.max_queued_renders,
            max_per_user=settings.user_max_jobs,
        ),
        retention_seconds=settings.job_retention_seconds,
        orphan_seconds=settings.orphan_timeout_seconds,
        lease_seconds=settings.worker_lease_seconds,
        failed_seconds=settings.failed_job_seconds,
        streams_per_user=settings.user_max_streams,
    )


def build_state(
    settings: Settings,
    *,
    browser_executable: str,
    storage: Storage | None = None,
    executor: Executor | None = None,
    metrics: RenderMetrics | None = None,
    store: JobStore | None = None,
    video_secret: bytes | None = None,
    batch_store: BatchStore | None = None,
) -> AppState:
    """The app's parts from settings. Without `video_secret` a random one is used: video names then stay the same
    only within this process (the command line and the server always pass the deployment's)."""
    storage = storage or make_storage(settings)
    executor = executor or ThreadPoolExecutor(max_workers=4, thread_name_prefix="tornado-render-io")
    metrics = metrics or RenderMetrics()
    templates = TemplateCatalog.for_remotion_dir(settings.remotion_dir)
    pipeline = Pipeline.from_settings(
        settings,
        browser_executable=browser_executable,
        storage=storage,
        executor=executor,
        video_secret=video_secret or secrets.token_bytes(32),
        templates=templates,
    )
    # With share pages, every outcome (rendered or found in the cache) comes with its link.
    shares = ShareLinks(storage, executor, pipeline.video_secret) if settings.share_pages else None
    limits = RequestLimits.from_settings(settings, templates)
    jobs = JobManager(
        store or MemoryJobStore(),
        shares.publishing(pipeline.run) if shares else pipeline.run,
        shares.publishing_found(pipeline.cached) if shares else pipeline.cached,
        job_limits(settings),
        renders=settings.role in ("all", "worker"),
        observers=(metrics,),
        # A worker validates each request it takes as the web side does: it trusts nothing it reads from Redis.
        check_request=functools.partial(revalidate, limits=limits),
    )
    if settings.chunk_fleet and jobs.store.shared:
        pipeline.fleet = FleetChunks(jobs, storage, executor)
    state = AppState(
        settings=settings,
        videos=StoredVideos(storage),
        bundles=pipeline.bundles,
        pipeline=pipeline,
        jobs=jobs,
        executor=executor,
        limits=limits,
        metrics=metrics,
        templates=templates,
        thumbnails=ThumbnailCache(
            pipeline.bundles, templates, pipeline.driver_argv, settings.remotion_dir, browser_executable
        ),
        shares=shares,
        preauth=PreAuthBudget(settings.pre_auth_memory_mib * 1024 * 1024),
        # A batch keeps at most MAX_CONCURRENT_RENDERS of its items queued or running (batches/runner.py).
        batches=BatchRunner(
            jobs,
            batch_store or MemoryBatchStore(),
            in_flight=settings.max_concurrent_renders,
            share_percent=settings.batch_fair_share,
        ),
        on_shutdown=(pipeline.close,),
    )
    metrics.watch(
        queued=lambda: state.jobs.queued_count,
        running=lambda: state.jobs.running_count,
        open_streams=lambda: state.open_streams,
        fleet=state.jobs.store.counts,
        lanes=state.jobs.store.lanes,
        store_up=lambda: state.jobs.store.up,
    )
    return state
