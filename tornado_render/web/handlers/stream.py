"""GET /render-stream: a render's progress as Server-Sent Events (the spec in docs/API.md).

The request is validated before any SSE byte is sent, so a bad request is a plain JSON 400. The stream then
attaches to the job for this request (new, running, or recently finished), sends what this client has not seen,
waits for the next events, sends `: keepalive` from a PeriodicCallback, and ends after the terminal event.

An event's bytes are encoded once however many streams carry it (`_encoded`, by event id): a broadcast to a
thousand clients is a thousand writes, not a thousand encodings. The `complete` event of a job stored in the local
storage without PUBLIC_URL carries a path (`/storage/...`); each stream makes it absolute with its own request's
address, so no client's `Host` ends up in another client's event; so are its assets' (`assets`: the poster, the card,
the other shapes, and the share page, whose path is always this server's). A `Last-Event-ID` that is not one this
server could have sent is treated as absent, and one that names no live job is looked up like a fresh request (a
stored video answers `complete` at once: a replay never renders again). One userId may hold USER_MAX_STREAMS streams
(across the fleet), so one holder of a signed URL cannot take every MAX_STREAMS slot.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from typing import Any

from tornado.iostream import StreamClosedError

from ...errors import StoreUnavailable, UserStreamLimitReached
from ...jobs.model import Job, JobEvent, is_terminal_event_id
from ...validation.request_parsing import parse_stream_query
from ...validation.schemas import InvalidRequest
from ..sse import format_event
from .base import STORE_RETRY_AFTER, STORE_UNAVAILABLE, ApiError
from .event_stream import EventStreamHandler, parse_last_event_id

ENCODED_EVENTS_KEPT = 4096
_encoded: OrderedDict[str, bytes] = OrderedDict()


def encoded(event: JobEvent) -> bytes:
    """The event's SSE bytes, from a small cache of recent events."""
    wire = _encoded.get(event.id)
    if wire is None:
        wire = _encoded[event.id] = format_event(event.name, event.data, event_id=event.id)
        if len(_encoded) > ENCODED_EVENTS_KEPT:
            _encoded.popitem(last=False)
    return wire


class RenderStreamHandler(EventStreamHandler):
    """GET /render-stream."""

    signed = True

    async def get(self) -> None:
        """Render a recap and stream its progress
        ---
        summary: Render a recap and stream its progress
        parameters:
          - name: data
            in: query
            required: true
            description: the RenderRequest as URL-encoded JSON; or only its MonthlyRecapExport, with `userId`
            content:
              application/json:
                schema:
                  anyOf:
                    - $ref: '#/components/schemas/RenderRequest'
                    - $ref: '#/components/schemas/MonthlyRecapExport'
          - name: userId
            in: query
            required: false
            description: the userId, when `data` is only the MonthlyRecapExport
            schema:
              $ref: '#/components/schemas/UserId'
          - name: template
            in: query
            required: false
            description: >-
              how the video looks (any part of a Template) as URL-encoded JSON, when `data` does not have one
              (the form with `userId` as a query parameter)
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Template'
          - name: templateId
            in: query
            required: false
            description: a preset (GET /templates), when `data` does not name one
            schema:
              $ref: '#/components/schemas/TemplateId'
          - name: formats
            in: query
            required: false
            description: >-
              the shapes of video to make as a URL-encoded JSON list (`["story", "square"]`), when `data` does not
              name them
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Formats'
          - name: Last-Event-ID
            in: header
            required: false
            description: "sent by EventSource when it reconnects: only later events are sent"
            schema:
              type: string
        responses:
          "200":
            description: |-
              A Server-Sent Events stream: `retry: 3000`, then events, each with an `id:` and a JSON `data:` line, and
              `: keepalive` comments. The schema (StreamEvent) describes one event as EventSource reads it. Event names
              and the schema of their data:

              - `queued`: QueuedEvent, while the job waits for a free render slot, each time its place changes;
              - `progress`: ProgressEvent, every integer 0..100 exactly once, in order;
              - `complete`: CompleteEvent, after the video is rendered and stored (its `assets` name the poster, the
                card, the other shapes and the share page); the stream ends;
              - `error`: ErrorEvent; the stream ends.

              The terminal event's id ends in `.end`.
            content:
              text/event-stream:
                schema:
                  $ref: '#/components/schemas/StreamEvent'
          "204":
            description: "`Last-Event-ID` is a terminal id: the client has the outcome already"
          "400":
            $ref: '#/components/responses/BadRequest'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "429":
            $ref: '#/components/responses/TooManyJobs'
          "503":
            $ref: '#/components/responses/Unavailable'
        """
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
        jobs = self.state.jobs
        try:
            await jobs.open_stream(request)
        except UserStreamLimitReached as error:
            raise ApiError(
                429,
                f"This user has {error.limit} streams open already; close one or try again later",
                headers={"Retry-After": str(error.retry_after)},
            ) from None
        except StoreUnavailable:
            raise ApiError(503, STORE_UNAVAILABLE, headers={"Retry-After": str(STORE_RETRY_AFTER)}) from None
        try:
            job = await self.submit(request, last_event_id)
            await self._stream(job, last_event_id)
        finally:
            with contextlib.suppress(StoreUnavailable):
                await jobs.close_stream(request)

    async def _stream(self, job: Job, last_event_id: str | None) -> None:
        gone = self.begin_events()
        try:
            watch = await self.state.jobs.watch(job, last_event_id, gone)
        except StoreUnavailable:
            raise ApiError(503, STORE_UNAVAILABLE, headers={"Retry-After": str(STORE_RETRY_AFTER)}) from None
        try:
            async with self.open_stream():
                async for events in watch:
                    # Everything that is there goes out in one write: one flush per wake-up, not one per event, is
                    # what keeps a broadcast to a thousand streams fast.
                    self.write(b"".join(self._wire(event) for event in events))
                    await self.flush()
            if not gone.is_set():
                self.finish()
        except StreamClosedError:
            pass
        finally:
            await watch.close()

    def _wire(self, event: JobEvent) -> bytes:
        """The event's bytes; a `complete` with path-only URLs (the video's, its assets') is made absolute for this
        client."""
        if event.name != "complete" or not _has_paths(event.data):
            return encoded(event)
        data = {**event.data, "s3Url": self.absolute_url(str(event.data.get("s3Url", "")))}
        if isinstance(event.data.get("assets"), dict):
            data["assets"] = self.absolute_assets(event.data["assets"])
        return format_event(event.name, data, event_id=event.id)


def _has_paths(data: dict[str, Any]) -> bool:
    """Whether a `complete` event's data names a URL of this server by its path only."""
    assets = data.get("assets")
    urls = [data.get("s3Url"), *(assets.values() if isinstance(assets, dict) else ())]
    return any(isinstance(url, str) and url.startswith("/") for url in urls)
