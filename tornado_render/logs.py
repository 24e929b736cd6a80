"""structlog setup: one JSON object per line for machines, colourless key=value lines on a terminal.

A job's id and userId are bound once, into structlog's context variables, by the task that runs the job (the
runner, `bound_contextvars`), so every line of a job carries them, whichever module writes it; no logger is passed
around. Context variables belong to a task (and the tasks it starts): shared work a job merely happens to start (the
bundle, the thumbnails) runs in a task of its own without them (`unbound_task`).

Everything goes through the same processors, Tornado's own loggers included (uncaught errors, malformed requests):
the standard library's records are rendered by structlog's ProcessorFormatter, so a log collector sees one format.
Tornado's access log is replaced by `log_request`, which records the method, path, status, size and duration of a
request and a digest of its query, never the query itself: a stream's query is a reader's whole month of reading.
No field is longer than MAX_FIELD_CHARS (its start and end are kept), so no request can write a huge line.
structlog and the standard library write through one `LineWriter`: a line is one write under one lock, so lines
written by two threads (the IOLoop's, an upload's) never interleave into a line that is not JSON. The last
plain-text paths of the interpreter (warnings, exceptions in threads and in `__del__`) are routed to the log too.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
import sys
import threading
from collections.abc import Coroutine
from typing import Any, TextIO, TypeVar, cast

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

MAX_FIELD_CHARS = 2048
T = TypeVar("T")


def _cap(text: str) -> str:
    if len(text) <= MAX_FIELD_CHARS:
        return text
    keep = MAX_FIELD_CHARS // 2 - 40
    return f"{text[:keep]} ...[{len(text) - 2 * keep} characters cut]... {text[-keep:]}"


def cap_fields(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """A processor: every value at most MAX_FIELD_CHARS characters (as text, or as JSON for other values)."""
    for key, value in event_dict.items():
        if isinstance(value, str):
            event_dict[key] = _cap(value)
        elif isinstance(value, (list, tuple, dict)):
            text = json.dumps(value, default=str, ensure_ascii=False)
            if len(text) > MAX_FIELD_CHARS:
                event_dict[key] = _cap(text)
    return event_dict


class LineWriter:
    """A stream for whole lines: each `write` is written and flushed under one lock, whichever thread calls."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text)
            self.stream.flush()

    def flush(self) -> None:
        with self._lock:
            self.stream.flush()

    def isatty(self) -> bool:
        return getattr(self.stream, "isatty", lambda: False)()


def configure_logging(log_format: str = "auto", stream: Any = None, level: int = logging.INFO) -> None:
    lines = LineWriter(sys.stderr if stream is None else stream)
    if log_format == "auto":
        log_format = "console" if lines.isatty() else "json"
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=False)
        if log_format == "console"
        else structlog.processors.JSONRenderer(sort_keys=False)
    )
    shared: list[Processor] = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, *shared, cap_fields, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.WriteLoggerFactory(file=cast(TextIO, lines)),  # the line and its newline in one write
        cache_logger_on_first_use=False,
    )
    # Tornado's own loggers (uncaught errors, malformed requests) are rendered the same way on the same stream.
    handler = logging.StreamHandler(lines)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, cap_fields, renderer],
        )
    )
    logging.basicConfig(handlers=[handler], level=level, force=True)
    _route_plain_text_to_the_log()


def _route_plain_text_to_the_log() -> None:
    """Warnings, an exception ending a thread, and one ignored in `__del__` or a finalizer (Python prints those as
    plain text on stderr, where a collector expects JSON) become log lines."""
    logging.captureWarnings(True)
    log = logging.getLogger("tornado_render.interpreter")

    def thread_exception(args: threading.ExceptHookArgs) -> None:
        log.error("thread ended by an exception", exc_info=args.exc_value)

    def unraisable(args: Any) -> None:
        log.error("exception ignored: %s", args.err_msg or "", exc_info=args.exc_value)

    threading.excepthook = thread_exception
    sys.unraisablehook = unraisable


def get_logger(**bindings: Any) -> Any:
    """A logger with `bindings`, assembled at each call from the configuration of the moment (so a module may hold
    one from import on), with the context variables of the task that logs."""
    return structlog.get_logger("tornado_render", **bindings)


def unbound_task(work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """A task for shared work, carrying none of the log fields bound by the task that starts it."""
    return contextvars.Context().run(asyncio.ensure_future, work)


def query_digest(query: str) -> str | None:
    """A short digest that tells equal queries apart in the log without recording them."""
    return hashlib.sha256(query.encode("utf-8", errors="surrogateescape")).hexdigest()[:16] if query else None


def log_request(handler: Any) -> None:
    """Tornado's `log_function`: one `request` line per finished request, without its query."""
    request = handler.request
    status = handler.get_status()
    fields = {
        "method": request.method,
        "path": request.path,
        "status": status,
        "bytes": getattr(handler, "bytes_written", None),
        "duration_ms": round(1000 * request.request_time(), 1),
        "query_sha256": query_digest(request.query),
        "remote_ip": request.remote_ip,
    }
    log = get_logger(component="http")
    if status >= 500:
        log.error("request", **fields)
    elif status >= 400:
        log.warning("request", **fields)
    else:
        log.info("request", **fields)
