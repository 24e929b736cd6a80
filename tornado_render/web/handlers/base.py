"""What every handler shares: errors that reach clients as JSON and never as stack traces, CORS, signatures, and
turning a request into a job with the service's refusals.

Handlers raise `ApiError(status, message, **extra)`; `write_error` turns it (or anything unexpected) into
`{"error": "...", ...}`, at most MAX_ERROR_BODY_BYTES. Log detail stays in the log, apart from what a client sees;
the log names the path, never the query (a stream's query is a reader's month of reading).

CORS headers (see cors.py) are set in `set_default_headers`, which Tornado also calls again when it replaces a
response with an error, so a page on an allowed origin can read our JSON errors too. `OPTIONS` answers preflights.

Handlers that act for a reader (`signed = True`) check the request's signature (signing.py) in `prepare`, before
any parsing, when RENDER_SIGNING_KEYS is set; a handler that needs its body for that (POST) checks it itself once
the body is in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

from tornado.web import HTTPError, RequestHandler

from ...errors import QueueFull, ShuttingDown, StoreUnavailable, UserLimitReached
from ...jobs.model import Job
from ...logs import get_logger
from ...recap import RenderRequest
from ...settings import MAX_URL_BYTES
from .. import cors
from ..responses import ErrorSchema
from ..signing import SignatureRejected, check_expiry, sign_target, verify
from ..state import AppState

MAX_ERROR_BODY_BYTES = 16 * 1024
# One instance for every error: making a marshmallow schema costs more than dumping with it, and a flood of refusals
# (strangers' requests, issue 21) is all errors.
ERROR_SCHEMA = ErrorSchema()
STORE_UNAVAILABLE = "The job store is unavailable; try again later"
STORE_RETRY_AFTER = 10
# How long a signed /download URL this server hands out stays valid.
DOWNLOAD_URL_SECONDS = 24 * 3600


class ApiError(HTTPError):
    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(status, log_message=message.replace("%", "%%"))
        self.message = message
        self.extra = extra
        self.headers = headers or {}


class BaseHandler(RequestHandler):
    signed = False
    bytes_written = 0

    @property
    def state(self) -> AppState:
        state: AppState = self.application.settings["state"]
        return state

    def set_default_headers(self) -> None:
        for name, value in cors.response_headers(
            self.request.headers.get("Origin"), self.state.settings.cors_origins
        ).items():
            self.set_header(name, value)

    def options(self, *args: str, **kwargs: str) -> None:
        """A CORS preflight (or a plain OPTIONS): 204 with the methods this resource answers."""
        methods = ", ".join(self.allowed_methods())
        self.set_header("Allow", methods)
        origin = self.request.headers.get("Origin")
        for name, value in cors.preflight_headers(origin, self.state.settings.cors_origins, methods).items():
            self.set_header(name, value)
        self.set_status(204)
        self.finish()

    @classmethod
    def allowed_methods(cls) -> list[str]:
        """The HTTP methods this handler implements (those it overrides from RequestHandler), and OPTIONS."""
        own = [
            name
            for name in ("GET", "HEAD", "POST")
            if getattr(cls, name.lower()) is not getattr(RequestHandler, name.lower())
        ]
        return [*own, "OPTIONS"]

    def prepare(self) -> None:
        if len(self.request.uri or "") > MAX_URL_BYTES:
            raise ApiError(414, f"The URL is longer than {MAX_URL_BYTES // 1024} KiB; POST /render takes up to 1 MiB")
        if self.signed and self.request.method in ("GET", "HEAD"):
            self.check_signature(b"")

    def check_signature_head(self) -> None:
        """What of the signature the target shows (present, not expired, not too far off), before a body is read."""
        if not self.state.settings.signing_keys:
            return
        try:
            check_expiry(
                (self.request.uri or "").encode("latin-1"), max_seconds=self.state.settings.signature_max_seconds
            )
        except SignatureRejected as rejected:
            raise self._refusal(rejected) from None

    def _refusal(self, rejected: SignatureRejected) -> ApiError:
        headers = {"WWW-Authenticate": 'Signed-URL realm="tornado-render"'} if rejected.status == 401 else {}
        return ApiError(rejected.status, rejected.message, headers=headers)

    def check_signature(self, body: bytes) -> None:
        """Refuse the request unless it carries a valid signature (when signing is configured)."""
        keys = self.state.settings.signing_keys
        if not keys:
            return
        try:
            verify(
                keys,
                self.request.method or "",
                (self.request.uri or "").encode("latin-1"),
                body,
                max_seconds=self.state.settings.signature_max_seconds,
            )
        except SignatureRejected as rejected:
            raise self._refusal(rejected) from None

    async def submit(self, request: RenderRequest, last_event_id: str | None = None) -> Job:
        """The job for this request, or the service's refusal as a JSON error with Retry-After. What its template
        had that was ignored is logged (and POST /render answers with it)."""
        if request.warnings:
            log = get_logger(component="http", method=self.request.method, path=self.request.path)
            log.warning("template_warnings", user_id=request.user_id, warnings=list(request.warnings))
        try:
            return await self.state.jobs.submit(request, last_event_id)
        except UserLimitReached as error:
            raise ApiError(
                429,
                f"This user has {error.active} renders queued or running already; try again when one has finished",
                headers={"Retry-After": str(error.retry_after)},
            ) from None
        except QueueFull as error:
            raise ApiError(
                503, "The render queue is full; try again later", headers={"Retry-After": str(error.retry_after)}
            ) from None
        except ShuttingDown:
            raise ApiError(503, "The server is shutting down", headers={"Retry-After": "30"}) from None
        except StoreUnavailable:
            raise ApiError(503, STORE_UNAVAILABLE, headers={"Retry-After": str(STORE_RETRY_AFTER)}) from None

    def write_json(self, body: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body, ensure_ascii=False))

    def write(self, chunk: str | bytes | dict[str, Any]) -> None:
        """Counts what the response carries, for the access log."""
        if isinstance(chunk, bytes | str):
            self.bytes_written += len(chunk)
        super().write(chunk)

    def base_url(self) -> str:
        """The URL this client reaches this server at (PUBLIC_URL, else its own request's scheme and host)."""
        return (self.state.settings.public_url or f"{self.request.protocol}://{self.request.host}").rstrip("/")

    def absolute_url(self, url: str) -> str:
        """A path-only URL of this server (the local storage's) made absolute for this client."""
        return f"{self.base_url()}{url}" if url.startswith("/") else url

    def download_target(self, filename: str) -> str:
        """Where /download serves a video kept in the output directory: signed when signing is on, since /download
        then needs it (valid DOWNLOAD_URL_SECONDS: the kept file stays until someone removes it)."""
        target = f"/download/{quote(filename)}"
        keys = self.state.settings.signing_keys
        expires_in = min(DOWNLOAD_URL_SECONDS, self.state.settings.signature_max_seconds)
        return sign_target(keys[0], "GET", target, expires_in=expires_in) if keys else target

    def absolute_assets(self, assets: Mapping[str, str]) -> dict[str, str]:
        """A video's assets with this server's path-only URLs (local storage, the share page) made absolute."""
        return {name: self.absolute_url(url) for name, url in assets.items()}

    def log_exception(
        self, typ: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Tornado's version logs the whole request line, query included; this one logs the path only."""
        log = get_logger(component="http", method=self.request.method, path=self.request.path)
        if isinstance(value, HTTPError):
            if value.log_message:
                log.warning("refused", status=value.status_code, reason=value.get_message())
        else:
            log.error("uncaught_exception", exc_info=(typ, value, tb) if typ is not None else True)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        body: dict[str, Any]
        if isinstance(error, ApiError):
            body = {"error": error.message[:2000], **error.extra}
            for name, value in error.headers.items():
                self.set_header(name, value)
        elif isinstance(error, HTTPError) and status_code < 500:
            body = {"error": error.reason or self._reason}
        else:
            body = {"error": "Internal server error" if status_code >= 500 else self._reason}
        if status_code == 405:
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        self.clear_header("Content-Disposition")
        self.set_header("Content-Type", "application/json; charset=utf-8")
        encoded = json.dumps(ERROR_SCHEMA.dump(body), ensure_ascii=False).encode("utf-8")
        if len(encoded) > MAX_ERROR_BODY_BYTES:  # a guard: validation already keeps its reports short
            encoded = json.dumps({"error": str(body.get("error", ""))[:2000]}, ensure_ascii=False).encode("utf-8")
        self.finish(encoded)


class NotFoundHandler(BaseHandler):
    """Every unknown path: a JSON 404 instead of Tornado's HTML page."""

    def prepare(self) -> None:
        raise ApiError(404, "Not found")
