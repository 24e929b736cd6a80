"""`tornado-render`: check what the server needs, listen, and stop gracefully on SIGTERM/SIGINT.

Start-up refuses to run on a setup that could only fail later (no browser, S3 configured but unusable), with a
message that says what to fix. The Remotion bundle is built in the background right after listening, so
/health answers at once and the first render finds a warm bundle.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from tornado.httpserver import HTTPServer

from .app import build_state, make_app
from .app_state import AppState
from .browser import find_browser
from .config import MAX_URL_BYTES, Settings, SettingsError, settings_from_args
from .errors import BrowserNotFound, StorageUnavailable
from .logs import configure_logging, get_logger
from .metrics import RenderMetrics

# Tornado reads the request line and headers into one buffer of this size; a longer head closes the connection.
# It is twice the URL limit, so URLs between the two get a clear 414 from the handlers (see handlers.base).
MAX_HEADER_BYTES = 2 * MAX_URL_BYTES + 64 * 1024


class StartupError(Exception):
    pass


def prepare(settings: Settings, metrics: RenderMetrics | None = None) -> AppState:
    """Everything that must hold before listening; raises StartupError with an actionable message."""
    try:
        browser = find_browser(settings)
    except BrowserNotFound as error:
        if not settings.driver_command:
            raise StartupError(str(error)) from None
        browser = ""  # a replacement driver brings its own rendering
    try:
        settings.output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StartupError(f"cannot create OUTPUT_DIR {settings.output_dir}: {error.strerror}") from None
    state = build_state(settings, browser_executable=browser, metrics=metrics)
    try:
        state.storage.check()
    except StorageUnavailable as error:
        raise StartupError(str(error)) from None
    return state


async def serve(state: AppState) -> int:
    settings = state.settings
    log = get_logger()
    server = HTTPServer(make_app(state), max_header_size=MAX_HEADER_BYTES, xheaders=True)
    try:
        server.listen(settings.port, settings.host)
    except OSError as error:
        log.error("cannot_listen", host=settings.host, port=settings.port, reason=error.strerror)
        return 1
    log.info(
        "listening",
        url=f"http://{settings.host}:{settings.port}",
        storage=state.storage.description,
        max_concurrent_renders=settings.max_concurrent_renders,
    )
    state.bundles.start_background_build()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("shutting_down", running=state.jobs.running_count, queued=state.jobs.queued_count)
    server.stop()
    await state.jobs.shutdown(settings.shutdown_grace_seconds)
    await _drain_streams(state)
    await server.close_all_connections()
    state.executor.shutdown(wait=False)
    log.info("stopped")
    return 0


async def _drain_streams(state: AppState, timeout: float = 5.0) -> None:
    """Give open streams a moment to write their terminal events before connections are closed."""
    deadline = asyncio.get_running_loop().time() + timeout
    while state.open_streams > 0 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)


def main(argv: list[str] | None = None) -> Any:
    try:
        settings = settings_from_args(argv)
    except SettingsError as error:
        print(f"tornado-render: {error}", file=sys.stderr)
        return 2
    # The app's metrics watch its phase logs (see metrics.py); logging is configured with them before anything binds
    # a logger, since a bound logger keeps the processor chain it was bound with.
    metrics = RenderMetrics()
    configure_logging(settings.log_format, observers=[metrics])
    try:
        state = prepare(settings, metrics)
    except StartupError as error:
        print(f"tornado-render: cannot start: {error}", file=sys.stderr)
        return 1
    return asyncio.run(serve(state))


if __name__ == "__main__":
    sys.exit(main())
