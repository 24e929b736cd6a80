"""What every handler shares: JSON bodies, and errors that reach clients as JSON and never as stack traces.

Handlers raise `ApiError(status, message, **extra)`; `write_error` turns it (or anything unexpected) into
`{"error": "...", ...}`. Log detail stays in the log (`log_message`), apart from what a client sees.

CORS headers (see cors.py) are set in `set_default_headers`, which Tornado also calls again when it replaces a
response with an error, so a page on an allowed origin can read our JSON errors too. `OPTIONS` answers preflights.
"""

from __future__ import annotations

import json
from typing import Any

from tornado.web import HTTPError, RequestHandler

from .. import cors
from ..app_state import AppState
from ..config import MAX_URL_BYTES


class ApiError(HTTPError):
    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(status, log_message=message.replace("%", "%%"))
        self.message = message
        self.extra = extra
        self.headers = headers or {}


class JsonHandler(RequestHandler):
    def set_default_headers(self) -> None:
        allowed = cors.parse_origins(self.state.settings.cors_origins)
        for name, value in cors.response_headers(self.request.headers.get("Origin"), allowed).items():
            self.set_header(name, value)

    def options(self, *args: str, **kwargs: str) -> None:
        """A CORS preflight (or a plain OPTIONS): 204 with the methods this resource answers."""
        methods = ", ".join(self.allowed_methods())
        self.set_header("Allow", methods)
        allowed = cors.parse_origins(self.state.settings.cors_origins)
        for name, value in cors.preflight_headers(self.request.headers.get("Origin"), allowed, methods).items():
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
            raise ApiError(414, f"The URL is longer than {MAX_URL_BYTES // 1024} KiB; POST /render takes any size")

    @property
    def state(self) -> AppState:
        state: AppState = self.application.settings["state"]
        return state

    def write_json(self, body: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body, ensure_ascii=False))

    def base_url(self) -> str:
        """The URL clients use to reach this server (PUBLIC_URL, else the request's own scheme and host)."""
        return self.state.settings.public_url or f"{self.request.protocol}://{self.request.host}"

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        body: dict[str, Any]
        if isinstance(error, ApiError):
            body = {"error": error.message, **error.extra}
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
        self.finish(json.dumps(body, ensure_ascii=False))


class NotFoundHandler(JsonHandler):
    """Every unknown path: a JSON 404 instead of Tornado's HTML page."""

    def prepare(self) -> None:
        raise ApiError(404, "Not found")
