"""GET /batches/<id>/stream: a batch's counts as Server-Sent Events, for a dashboard (the batch is in the batch store,
so any instance of a fleet answers it).

Written as /render-stream is (sse.py's encoding, `retry:`, keepalives from a PeriodicCallback, the stream's headers,
`204` for a client holding the terminal id), but it follows the batch store's version of the counts rather than a
job's events: a `progress` event for each version it sees (changes that come together go out as one), `complete`
last.
"""

from __future__ import annotations

import asyncio

from tornado.iostream import StreamClosedError

from ...batches.model import BatchStatus
from ...errors import StoreUnavailable
from ..sse import format_event
from .base import ApiError
from .batches import BatchLinks
from .event_stream import EventStreamHandler, parse_last_event_id


class BatchStreamHandler(EventStreamHandler, BatchLinks):
    """GET /batches/<id>/stream: the batch's counts as Server-Sent Events, a `progress` event at each change (at
    most one a second is needed by a dashboard; changes that come together go out as one) and `complete` last."""

    signed = True

    async def get(self, batch_id: str) -> None:
        """A batch's progress as Server-Sent Events
        ---
        summary: A batch's progress as Server-Sent Events
        parameters:
          - name: batch_id
            in: path
            required: true
            description: the id POST /batches answered
            schema:
              type: string
              pattern: "^[0-9a-f]{32}$"
          - name: Last-Event-ID
            in: header
            required: false
            description: "sent by EventSource when it reconnects: the terminal id (`<batch id>.end`) gets 204"
            schema:
              type: string
        responses:
          "200":
            description: |-
              A Server-Sent Events stream: `retry: 3000`, then events with an `id:` and a JSON `data:` line (the
              batch's counts, BatchCounts), and `: keepalive` comments:

              - `progress`: at once, then whenever the counts change;
              - `complete`: when every item is done or failed; the stream ends. Its id ends in `.end`.
            content:
              text/event-stream:
                schema:
                  $ref: '#/components/schemas/BatchStreamEvent'
          "204":
            description: "`Last-Event-ID` is the terminal id: the client has the outcome already"
          "404":
            $ref: '#/components/responses/NotFound'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "503":
            $ref: '#/components/responses/Unavailable'
        """
        last_event_id = parse_last_event_id(self.request.headers.get("Last-Event-ID", ""))
        if last_event_id == f"{batch_id}.end":
            self.set_status(204)
            self.finish()
            return
        if self.state.open_streams >= self.state.settings.max_streams:
            raise ApiError(503, "Too many open streams; try again later", headers={"Retry-After": "30"})
        status = await self.batch_status(batch_id)
        gone = self.begin_events()
        try:
            async with self.open_stream():
                await self._follow(status, gone)
            if not gone.is_set():
                self.finish()
        except StreamClosedError:
            pass

    async def _follow(self, status: BatchStatus, gone: asyncio.Event) -> None:
        """A `progress` event for each version of the counts this stream sees, then `complete`."""
        store = self.state.batches.store
        leaving = asyncio.ensure_future(gone.wait())
        sent = -1
        try:
            while True:
                if status.finished:
                    self.write(format_event("complete", status.summary(), event_id=f"{status.id}.end"))
                    await self.flush()
                    return
                if status.version != sent:
                    self.write(format_event("progress", status.summary(), event_id=f"{status.id}.{status.version}"))
                    await self.flush()
                    sent = status.version
                waiting = asyncio.ensure_future(
                    store.wait_for_change(status.id, status.version, self.state.settings.keepalive_seconds)
                )
                await asyncio.wait((waiting, leaving), return_when=asyncio.FIRST_COMPLETED)
                if not waiting.done():
                    waiting.cancel()
                    return
                try:
                    found = waiting.result()
                except StoreUnavailable:
                    return  # the client's EventSource comes back by itself
                if found is None:
                    return
                status = found
        finally:
            leaving.cancel()
