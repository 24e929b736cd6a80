"""The application from its shared state (built by assembly.py): the routes (one table, which the OpenAPI document is
built from too) and the Tornado Application."""

from __future__ import annotations

import tornado.web
from tornado.routing import URLSpec

from ..logs import log_request
from .handlers.base import NotFoundHandler
from .handlers.batch_stream import BatchStreamHandler
from .handlers.batches import BatchesHandler, BatchHandler
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
from .state import AppState


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
        URLSpec(r"/batches", BatchesHandler),
        # A batch id is 32 hex digits; any other is a batch nobody made (404).
        URLSpec(r"/batches/(.*)/stream", BatchStreamHandler),
        URLSpec(r"/batches/(.*)", BatchHandler),
        URLSpec(r"/videos", VideosHandler),
        URLSpec(r"/download/(.*)", DownloadHandler, {"path": str(state.settings.output_dir)}),
        URLSpec(r"/templates", TemplatesHandler),
        # Their files live in the current bundle's folder: each request looks it up (the path here is a default).
        URLSpec(r"/templates/(.*)", ThumbnailHandler, {"path": str(state.settings.bundle_dir)}),
        URLSpec(r"/preview/(.*)", PreviewHandler, {"path": str(state.settings.bundle_dir)}),
    ]
    if state.videos.local_root is not None:
        table.append(URLSpec(r"/storage/(.*)", StorageHandler, {"path": str(state.videos.local_root)}))
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
