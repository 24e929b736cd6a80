"""GET /render-stream: a render's progress as Server-Sent Events (see the spec in README "Event stream").

The request is validated before any SSE byte is sent, so a bad request is a plain JSON 400. The stream then
attaches to the job for this request (new, running, or recently finished), replays what this client has not seen,
follows live events, sends `: keepalive` from a PeriodicCallback, and ends after the terminal event.

The `complete` event of a job stored in the local storage without PUBLIC_URL carries a path (`/storage/...`); each
stream makes it absolute with its own request's address, so no client's `Host` ends up in another client's event.
A `Last-Event-ID` that is not one this server could have sent is treated as absent.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tornado.ioloop import PeriodicCallback
from tornado.iostream import StreamClosedError

from ..job import Job, JobEvent, is_terminal_event_id
from ..request_parsing import parse_stream_query
from ..schemas import InvalidRequest
from ..sse import KEEPALIVE, format_event, format_retry
from .base import ApiError, JsonHandler
from .submit import submit_job

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


class RenderStreamHandler(JsonHandler):
    signed = True
    _events: asyncio.Queue[JobEvent | None] | None = None

    async def get(self) -> None:
        if self.state.open_streams >= self.state.settings.max_streams:
            raise ApiError(503, "Too many open streams; try again later", headers={"Retry-After": "30"})
        try:
            request = parse_stream_query(self.request.query_arguments, self.state.limits)
        except InvalidRequest as error:
            raise ApiError(400, str(error), **error.body_extra()) from None
        last_event_id = parse_last_event_id(self.request.headers.get("Last-Event-ID", ""))
        if last_event_id and is_terminal_event_id(last_event_id):
            # The client has this render's outcome already; 204 tells EventSource to stop reconnecting.
            self.set_status(204)
            self.finish()
            return
        job = submit_job(self.state, request, last_event_id)
        await self._stream(job, job.seq_after(last_event_id))

    async def _stream(self, job: Job, after_seq: int) -> None:
        for name, value in SSE_HEADERS.items():
            self.set_header(name, value)
        events: asyncio.Queue[JobEvent | None] = asyncio.Queue()
        self._events = events
        jobs = self.state.jobs
        replay = jobs.attach(job, events.put_nowait, after_seq)
        for replayed in replay:
            events.put_nowait(replayed)
        self.state.open_streams += 1
        keepalive = PeriodicCallback(self._send_keepalive, self.state.settings.keepalive_seconds * 1000)
        keepalive.start()
        try:
            self.write(format_retry(RECONNECT_DELAY_MS))
            await self.flush()
            while True:
                batch = [await events.get()]
                # Whatever else is already queued goes out in the same write: one flush per wake-up, not one per
                # event, is what keeps a broadcast to a thousand streams fast.
                while not events.empty() and batch[-1] is not None and not batch[-1].terminal:
                    batch.append(events.get_nowait())
                if batch[-1] is None:
                    return  # the client went away
                self.write(b"".join(self._wire(event) for event in batch if event is not None))
                await self.flush()
                if batch[-1].terminal:
                    break
            self.finish()
        except StreamClosedError:
            pass
        finally:
            keepalive.stop()
            jobs.detach(job, events.put_nowait)
            self.state.open_streams -= 1

    def _wire(self, event: JobEvent) -> bytes:
        """The event's bytes; a `complete` with a path-only URL is made absolute for this client."""
        url = event.data.get("s3Url") if event.name == "complete" else None
        if isinstance(url, str) and url.startswith("/"):
            return format_event(event.name, {**event.data, "s3Url": self.absolute_url(url)}, event_id=event.id)
        return event.wire

    def _send_keepalive(self) -> None:
        if self.request.connection is None or self._finished:
            return
        self.write(KEEPALIVE)
        self.flush().add_done_callback(_ignore_closed)

    def on_connection_close(self) -> None:
        if self._events is not None:
            self._events.put_nowait(None)


def _ignore_closed(future: Any) -> None:
    if not future.cancelled():
        future.exception()
