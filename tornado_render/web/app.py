"""Building the application: the shared state from settings, and the routes (one table, which the OpenAPI document
is built from too)."""

from __future__ import annotations

import functools
import secrets
from concurrent.futures import Executor, ThreadPoolExecutor

import tornado.web
from tornado.routing import URLSpec

from ..jobs.manager import JobManager
from ..jobs.store import Admission, JobLimits, JobStore, MemoryJobStore
from ..logs import log_request
from ..metrics import RenderMetrics
from ..render.pipeline import Pipeline
from ..render.thumbnails import ThumbnailCache
from ..settings import Settings
from ..shares import ShareLinks
from ..storage import Storage, make_storage
from ..storage.local import LocalStorage
from ..templates import TemplateCatalog
from .handlers.base import NotFoundHandler
from .handlers.files import DownloadHandler, StorageHandler
from .handlers.info import HealthHandler, VideosHandler
from .handlers.metrics import MetricsHandler
from .handlers.openapi import OpenApiHandler
from .handlers.pages import STATIC_DIR, DemoPageHandler, StaticHandler
from .handlers.preview import PreviewHandler
from .handlers.render import RenderHandler
from .handlers.share import ShareDownloadHandler, ShareFileHandler, SharePageHandler
from .handlers.stream import RenderStreamHandler
from .handlers.templates import TemplatesHandler, ThumbnailHandler
from .handlers.validate import ValidateHandler
from .openapi import build_openapi
from .preauth import PreAuthBudget
from .request_parsing import revalidate
from .schemas import RequestLimits
from .state import AppState


def build_state(
    settings: Settings,
    *,
    browser_executable: str,
    storage: Storage | None = None,
    executor: Executor | None = None,
    metrics: RenderMetrics | None = None,
    store: JobStore | None = None,
    video_secret: bytes | None = None,
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
        JobLimits(
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
        ),
        renders=settings.role in ("all", "worker"),
        observers=(metrics,),
        # A worker validates each request it takes as the web side does: it trusts nothing it reads from Redis.
        check_request=functools.partial(revalidate, limits=limits),
    )
    state = AppState(
        settings=settings,
        storage=storage,
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
    )
    metrics.watch(
        queued=lambda: state.jobs.queued_count,
        running=lambda: state.jobs.running_count,
        open_streams=lambda: state.open_streams,
        fleet=state.jobs.store.counts,
    )
    return state


def routes(state: AppState) -> list[URLSpec]:
    """Every documented route of the app (the OpenAPI document lists exactly these). A worker (ROLE=worker) takes
    no requests: it answers only /health and /metrics."""
    operational = [URLSpec(r"/health", HealthHandler), URLSpec(r"/metrics", MetricsHandler)]
    if state.settings.role == "worker":
        return operational
    table = [
        *operational,
        URLSpec(r"/", DemoPageHandler, {"path": str(STATIC_DIR)}),
        URLSpec(r"/static/(.*)", StaticHandler, {"path": str(STATIC_DIR)}),
        URLSpec(r"/render-stream", RenderStreamHandler),
        URLSpec(r"/render", RenderHandler),
        URLSpec(r"/validate", ValidateHandler),
        URLSpec(r"/videos", VideosHandler),
        URLSpec(r"/download/(.*)", DownloadHandler, {"path": str(state.settings.output_dir)}),
        URLSpec(r"/templates", TemplatesHandler),
        # Their files live in the current bundle's folder: each request looks it up (the path here is a default).
        URLSpec(r"/templates/(.*)", ThumbnailHandler, {"path": str(state.settings.bundle_dir)}),
        URLSpec(r"/preview/(.*)", PreviewHandler, {"path": str(state.settings.bundle_dir)}),
    ]
    if isinstance(state.storage, LocalStorage):
        table.append(URLSpec(r"/storage/(.*)", StorageHandler, {"path": str(state.storage.root)}))
    if state.shares is not None:
        # Most specific first: a download's path also matches the file route, and every one the page's.
        table += [
            URLSpec(r"/share/(.*)/download/(.*)", ShareDownloadHandler),
            URLSpec(r"/share/(.*)/(.*)", ShareFileHandler),
            URLSpec(r"/share/(.*)", SharePageHandler),
        ]
    return table


def make_app(state: AppState) -> tornado.web.Application:
    table = routes(state)
    documented = [*table, URLSpec(r"/openapi.json", OpenApiHandler)]
    document = build_openapi(
        documented,
        max_books=state.settings.max_books,
        signed=bool(state.settings.signing_keys),
        template_ids=state.templates.ids,
    )
    return tornado.web.Application(
        [*table, URLSpec(r"/openapi.json", OpenApiHandler, {"document": document})],
        state=state,
        default_handler_class=NotFoundHandler,
        compress_response=False,
        log_function=log_request,
    )
