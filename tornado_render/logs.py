"""structlog setup: one JSON object per line for machines, colourless key=value lines on a terminal.

Jobs bind their id and userId once (`structlog.contextvars.bound_contextvars` or `log.bind`), so every line of a
job carries them.

Observers (`configure_logging(observers=...)`) are processors that watch every event before it is rendered and
pass it on unchanged: metrics.py counts the render phases this way, from the same events the log records. A logger
bound (`.bind`) keeps the chain of that moment, so observers are configured before anything binds one.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

import structlog
from structlog.typing import Processor


def configure_logging(log_format: str = "auto", stream: Any = None, observers: Sequence[Processor] = ()) -> None:
    stream = sys.stderr if stream is None else stream
    if log_format == "auto":
        log_format = "console" if getattr(stream, "isatty", lambda: False)() else "json"
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=False)
        if log_format == "console"
        else structlog.processors.JSONRenderer(sort_keys=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            *observers,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    # Tornado's own loggers (access log, uncaught errors) go to the same stream.
    logging.basicConfig(stream=stream, level=logging.INFO, format="%(name)s %(levelname)s %(message)s", force=True)


def get_logger(**bindings: Any) -> Any:
    return structlog.get_logger("tornado_render").bind(**bindings)
