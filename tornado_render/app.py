"""Building the application: shared state from settings, and the routes."""

from __future__ import annotations

import os
from concurrent.futures import Executor, ThreadPoolExecutor

import tornado.web

from .app_state import AppState
from .bundle import BundleCache
from .config import Settings
from .covers import CoverFetcher, CoverPolicy, parse_networks
from .driver import driver_argv
from .handlers.base import NotFoundHandler
from .handlers.files import DownloadHandler, StorageHandler
from .handlers.info import HealthHandler, VideosHandler
from .handlers.metrics import MetricsHandler
from .handlers.openapi import OpenApiHandler
from .handlers.pages import STATIC_DIR, DemoPageHandler, StaticHandler
from .handlers.render import RenderHandler
from .handlers.render_stream import RenderStreamHandler
from .jobs import JobLimits, JobManager
from .metrics import RenderMetrics
from .openapi import build_openapi
from .pipeline import Pipeline, RenderOptions
from .schemas import RequestLimits
from .storage import LocalStorage, Storage, make_storage


def default_render_options(settings: Settings, browser_executable: str) -> RenderOptions:
    """The driver settings every render uses (scripts/bench measures the same ones against Remotion's CLI)."""
    return RenderOptions(
        browser_executable=browser_executable,
        # One tab more than cores: a tab spends part of each frame waiting on the browser's shared threads (see
        # docs/PERFORMANCE.md); renderMedia, used with RENDER_STATIC_SPANS=off, takes at most the cores.
        concurrency=settings.render_concurrency or (os.cpu_count() or 1) + 1,
        image_format=settings.render_image_format,
        jpeg_quality=settings.render_jpeg_quality,
        x264_preset=settings.render_x264_preset,
        static_spans=settings.render_static_spans,
        license_key=settings.remotion_license_key,
        timeout_seconds=settings.render_timeout_seconds,
    )


def build_state(
    settings: Settings,
    *,
    browser_executable: str,
    storage: Storage | None = None,
    executor: Executor | None = None,
    metrics: RenderMetrics | None = None,
) -> AppState:
    argv = driver_argv(settings)
    bundles = BundleCache(settings.remotion_dir, settings.bundle_dir, argv)
    storage = storage or make_storage(settings)
    executor = executor or ThreadPoolExecutor(max_workers=4, thread_name_prefix="tornado-render-io")
    covers = CoverFetcher(
        CoverPolicy(
            timeout_seconds=settings.cover_timeout_seconds,
            max_bytes=settings.cover_max_bytes,
            allowed_networks=parse_networks(settings.cover_allowed_networks),
        ),
        executor,
    )
    pipeline = Pipeline(
        bundles=bundles,
        storage=storage,
        executor=executor,
        driver_argv=argv,
        remotion_dir=settings.remotion_dir,
        output_dir=settings.output_dir,
        options=default_render_options(settings, browser_executable),
        covers=covers,
    )
    jobs = JobManager(
        pipeline.run,
        JobLimits(
            max_running=settings.max_concurrent_renders,
            max_queued=settings.max_queued_renders,
            retention_seconds=settings.job_retention_seconds,
            orphan_seconds=settings.orphan_timeout_seconds,
        ),
    )
    state = AppState(
        settings=settings,
        storage=storage,
        bundles=bundles,
        pipeline=pipeline,
        jobs=jobs,
        executor=executor,
        limits=RequestLimits(max_books=settings.max_books),
        metrics=metrics or RenderMetrics(),
    )
    state.metrics.watch(
        queued=lambda: state.jobs.queued_count,
        running=lambda: state.jobs.running_count,
        open_streams=lambda: state.open_streams,
    )
    return state


def make_app(state: AppState) -> tornado.web.Application:
    settings = state.settings
    routes: list[tuple[str, type, dict[str, object]] | tuple[str, type]] = [
        (r"/health", HealthHandler),
        (r"/metrics", MetricsHandler),
        (
            r"/openapi.json",
            OpenApiHandler,
            {
                "document": build_openapi(
                    max_books=settings.max_books, local_storage=isinstance(state.storage, LocalStorage)
                )
            },
        ),
        (r"/", DemoPageHandler, {"path": str(STATIC_DIR)}),
        (r"/static/(.*)", StaticHandler, {"path": str(STATIC_DIR)}),
        (r"/render-stream", RenderStreamHandler),
        (r"/render", RenderHandler),
        (r"/videos", VideosHandler),
        (r"/download/(.*)", DownloadHandler, {"path": str(settings.output_dir)}),
    ]
    if isinstance(state.storage, LocalStorage):
        routes.append((r"/storage/(.*)", StorageHandler, {"path": str(state.storage.root)}))
    return tornado.web.Application(
        routes,
        state=state,
        default_handler_class=NotFoundHandler,
        compress_response=False,
    )
