"""What every Server-Sent Events handler does around its events: the stream's headers, `retry:`, `: keepalive`
comments from a PeriodicCallback, the count of open streams, and noticing the client has gone.

/render-stream (stream.py) and a batch's stream (batch_stream.py) differ only in what they follow.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tornado.ioloop import PeriodicCallback

from ..sse import KEEPALIVE, format_retry
from .base import BaseHandler

SSE_HEADERS = {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    "Connection": "keep-alive",
    "X-Accel-Buffering": "no",
}
RECONNECT_DELAY_MS = 3000
MAX_EVENT_ID_LENGTH = 100


def parse_last_event_id(value: str) -> str | None:
    """The header as an id this server could have sent (printable ASCII, short), else None."""
    value = value.strip()
    if not value or len(value) > MAX_EVENT_ID_LENGTH or not (value.isascii() and value.isprintable()):
        return None
    return value


class EventStreamHandler(BaseHandler):
    """A handler that answers with an event stream (`begin_events`, then `open_stream` around the events)."""

    _client_gone: asyncio.Event | None = None

    def begin_events(self) -> asyncio.Event:
        """Set the stream's headers; the event set when the client goes."""
        for name, value in SSE_HEADERS.items():
            self.set_header(name, value)
        self._client_gone = asyncio.Event()
        return self._client_gone

    @asynccontextmanager
    async def open_stream(self) -> AsyncIterator[None]:
        """The stream counted among the open ones and kept alive while inside; `retry:` is its first line."""
        self.state.open_streams += 1
        keepalive = PeriodicCallback(self._send_keepalive, self.state.settings.keepalive_seconds * 1000)
        keepalive.start()
        try:
            self.write(format_retry(RECONNECT_DELAY_MS))
            await self.flush()
            yield
        finally:
            keepalive.stop()
            self.state.open_streams -= 1

    def _send_keepalive(self) -> None:
        if self.request.connection is None or self._finished:
            return
        self.write(KEEPALIVE)
        self.flush().add_done_callback(_ignore_closed)

    def on_connection_close(self) -> None:
        if self._client_gone is not None:
            self._client_gone.set()


def _ignore_closed(future: Any) -> None:
    if not future.cancelled():
        future.exception()
