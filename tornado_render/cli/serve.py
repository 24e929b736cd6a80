"""`tornado-render`: check what the server needs, listen, and stop gracefully on SIGTERM/SIGINT.

Start-up refuses to run on a setup that could only fail later (no browser, S3 configured but unusable), with a
message that says what to fix. The Remotion bundle (and the presets' thumbnails after it) is built in the
background right after listening, so /health answers at once and the first render finds a warm bundle.
"""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import sys
from urllib.parse import urlsplit

from ..assembly import build_state
from ..logs import configure_logging, get_logger
from ..settings import MAX_BODY_BYTES, MAX_URL_BYTES, Settings, SettingsError, settings_from_args
from ..web.app import make_app
from ..web.preauth import PreAuthHTTPServer
from ..web.state import AppState
from .startup import (
    StartupError,
    browser_for,
    clean_up_after_the_dead,
    make_batch_store,
    make_store,
    ready_storage,
    video_secret,
)

# Tornado reads the request line and headers into one buffer of this size; a longer head closes the connection.
# It is twice the URL limit, so URLs between the two get a clear 414 from the handlers (see handlers.base).
MAX_HEADER_BYTES = 2 * MAX_URL_BYTES + 64 * 1024
# Connections the kernel completes before the server accepts them. Tornado's 128 overflowed when 300 strangers
# connected at once: a SYN dropped costs the next client (a /health probe, a reader) a second or more.
LISTEN_BACKLOG = 2048


def prepare(settings: Settings) -> AppState:
    """Everything that must hold before listening; raises StartupError with an actionable message."""
    if settings.role != "all" and not settings.redis_url:
        raise StartupError(f"ROLE={settings.role} needs REDIS_URL: web instances and workers share jobs through it")
    if settings.chunk_fleet and not settings.redis_url:
        raise StartupError("CHUNK_FLEET=on needs REDIS_URL: a render's chunks go to the fleet's queue")
    browser = browser_for(settings)
    storage = ready_storage(settings)
    clean_up_after_the_dead(settings)
    store = make_store(settings)
    return build_state(
        settings,
        browser_executable=browser,
        storage=storage,
        store=store,
        video_secret=video_secret(settings),
        batch_store=make_batch_store(settings, store),
    )


async def serve(state: AppState) -> int:
    settings = state.settings
    log = get_logger()
    server = PreAuthHTTPServer(
        make_app(state),
        budget=state.preauth,
        max_header_size=MAX_HEADER_BYTES,
        max_body_size=MAX_BODY_BYTES,
        idle_connection_timeout=settings.idle_connection_timeout_seconds,
        body_timeout=settings.body_timeout_seconds,
        xheaders=True,
    )
    try:
        server.listen(settings.port, settings.host, backlog=LISTEN_BACKLOG)
    except OSError as error:
        log.error("cannot_listen", host=settings.host, port=settings.port, reason=error.strerror)
        return 1
    await state.jobs.start()
    log.info(
        "listening",
        url=f"http://{settings.host}:{settings.port}",
        storage=state.videos.description,
        store=state.jobs.store.name,
        role=settings.role,
        max_concurrent_renders=settings.max_concurrent_renders,
    )
    if not settings.signing_keys and reachable_from_elsewhere(settings):
        log.warning(
            "unsigned_requests_accepted",
            host=settings.host,
            public_url=settings.public_url,
            advice="anyone who reaches this server can render, list and download; set RENDER_SIGNING_KEYS",
        )
    # The bundle (renders, and the browser preview), then the presets' thumbnails (built from the bundle): a worker
    # needs only the first, a web instance serves the other two.
    state.bundles.start_background_build()
    if settings.role != "worker":
        state.thumbnails.start_background_build()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("shutting_down", running=state.jobs.running_count, queued=state.jobs.queued_count)
    server.stop()
    await state.jobs.shutdown(settings.shutdown_grace_seconds)
    for close in state.on_shutdown:
        await close()
    await _drain_streams(state)
    await server.close_all_connections()
    state.executor.shutdown(wait=False)
    log.info("stopped")
    return 0


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def reachable_from_elsewhere(settings: Settings) -> bool:
    """Listening on a non-loopback address, or published at a PUBLIC_URL (behind a proxy) that is not loopback."""
    public_host = urlsplit(settings.public_url).hostname if settings.public_url else None
    return not is_loopback(settings.host) or (public_host is not None and not is_loopback(public_host))


async def _drain_streams(state: AppState, timeout: float = 5.0) -> None:
    """Give open streams a moment to write their terminal events before connections are closed."""
    deadline = asyncio.get_running_loop().time() + timeout
    while state.open_streams > 0 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)


def main(argv: list[str]) -> int:
    """`tornado-render [options]`: serve until SIGTERM/SIGINT."""
    try:
        settings = settings_from_args(argv)
    except SettingsError as error:
        print(f"tornado-render: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format)
    try:
        state = prepare(settings)
    except StartupError as error:
        print(f"tornado-render: cannot start: {error}", file=sys.stderr)
        return 1
    return asyncio.run(serve(state))
