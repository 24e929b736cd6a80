"""POST /batches and GET /batches/<id>: many recaps precomputed at once (batches/); the stream is batch_stream.py.

POST /batches is signed as POST /render is (the signature covers the whole body), and refused before its body is
read when its head already says no: a Content-Type other than JSON or NDJSON (415), a signature the target shows
to be missing or expired (401/403), a declared length over MAX_BATCH_BODY_BYTES (413), no room on this instance
(MAX_PENDING_ITEMS batch items wait or run here) or for the body in the pre-auth memory (503). The body is then
read as it arrives, its HMAC updated and its items cut out and validated one by one (batches/items.py, intake.py):
it is never held whole. Once it has ended, the signature is checked first (a stranger learns nothing of
validation), then the count (413 past MAX_BATCH_ITEMS) and the items (a 400 naming each bad one by its index);
only then is the batch created, and the answer is 202 with its id and links at once.

The links are signed when RENDER_SIGNING_KEYS is set (GET /batches/<id> and its stream are signed operations), for
as long as a download link is.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import quote

from tornado.http1connection import HTTP1Connection
from tornado.web import stream_request_body

from ...batches.intake import MAX_REPORTED_ITEMS, BatchIntake
from ...batches.items import splitter_for
from ...batches.model import BatchStatus, ItemResult
from ...batches.runner import TooManyBatches
from ...errors import StoreUnavailable
from ...settings import MAX_BATCH_BODY_BYTES, MAX_BATCH_ITEMS, MAX_BODY_BYTES
from ..preauth import prepay
from ..responses import BatchAcceptedSchema, BatchSchema
from ..signing import BodyVerifier, SignatureRejected, sign_target
from .base import DOWNLOAD_URL_SECONDS, STORE_RETRY_AFTER, STORE_UNAVAILABLE, ApiError, BaseHandler

BATCH_ID = re.compile(r"[0-9a-f]{32}")
DEFAULT_PAGE = 100
MAX_PAGE = 1000
BUSY_RETRY_AFTER = 30
# Batch bodies read at once by this process. Items are validated as they arrive, before the signature (which covers
# the whole body) can be checked: this bounds the CPU a stranger's batches can take to this many executor threads.
MAX_BODIES_AT_ONCE = 2


def _unavailable() -> ApiError:
    return ApiError(503, STORE_UNAVAILABLE, headers={"Retry-After": str(STORE_RETRY_AFTER)})


class BatchLinks(BaseHandler):
    """What the batch handlers share: the batch runner, and its links (signed when signing is on)."""

    def link(self, target: str) -> str:
        keys = self.state.settings.signing_keys
        if keys:
            expires_in = min(DOWNLOAD_URL_SECONDS, self.state.settings.signature_max_seconds)
            target = sign_target(keys[0], "GET", target, expires_in=expires_in)
        return self.base_url() + target

    async def batch_status(self, batch_id: str) -> BatchStatus:
        if not BATCH_ID.fullmatch(batch_id):
            raise ApiError(404, "No such batch (a batch is kept for 24 hours)")
        try:
            status = await self.state.batches.store.status(batch_id)
        except StoreUnavailable:
            raise _unavailable() from None
        if status is None:
            raise ApiError(404, "No such batch (a batch is kept for 24 hours)")
        return status


@stream_request_body
class BatchesHandler(BatchLinks):
    """POST /batches."""

    signed = True
    reading = 0  # bodies being read now, by every handler of the process
    _reserved = 0
    _counted = False
    _verifier: BodyVerifier | None = None
    _intake: BatchIntake | None = None

    def prepare(self) -> None:
        super().prepare()
        self._received = 0
        if self.request.method != "POST":
            return
        splitter = splitter_for(self.request.headers.get("Content-Type", ""), MAX_BODY_BYTES)
        if splitter is None:
            raise ApiError(415, "POST /batches takes Content-Type: application/json (an array) or application/x-ndjson")
        self.check_signature_head()
        keys = self.state.settings.signing_keys
        if keys:
            target = (self.request.uri or "").encode("latin-1")
            max_seconds = self.state.settings.signature_max_seconds
            try:
                self._verifier = BodyVerifier(keys, "POST", target, max_seconds=max_seconds)
            except SignatureRejected as rejected:
                raise self._refusal(rejected) from None
        declared = self.request.headers.get("Content-Length", "")
        size = int(declared) if declared.isascii() and declared.isdigit() else MAX_BATCH_BODY_BYTES
        if size > MAX_BATCH_BODY_BYTES:
            raise ApiError(413, f"The batch is larger than {MAX_BATCH_BODY_BYTES // (1024 * 1024)} MiB")
        try:
            self.state.batches.check_room()
        except TooManyBatches as busy:
            message = f"This server has {busy.pending} batch items to render already; try again later"
            raise ApiError(503, message, headers={"Retry-After": str(BUSY_RETRY_AFTER)}) from None
        if BatchesHandler.reading >= MAX_BODIES_AT_ONCE:
            raise ApiError(503, "Other batches are being posted; try again shortly", headers={"Retry-After": "10"})
        # Read before it is verified: the items it holds count as a stranger's memory until then.
        if keys and not self.state.preauth.take(size):
            raise ApiError(503, "The server is busy; try again shortly", headers={"Retry-After": "10"})
        self._reserved = size if keys else 0
        prepay(self.request, self._reserved)
        if isinstance(self.request.connection, HTTP1Connection):
            self.request.connection.set_max_body_size(MAX_BATCH_BODY_BYTES)
        self._intake = BatchIntake(splitter, self.state.limits)
        BatchesHandler.reading += 1
        self._counted = True

    def _release_body(self) -> None:
        self.state.preauth.give(self._reserved)
        self._reserved = 0
        prepay(self.request, 0)
        if self._counted:
            BatchesHandler.reading -= 1
            self._counted = False

    def on_finish(self) -> None:
        self._release_body()

    def on_connection_close(self) -> None:
        self._release_body()

    async def data_received(self, chunk: bytes) -> None:
        """Hash the chunk, cut out the items it completes and validate them in the executor (Tornado waits for this
        before it hands over the next chunk)."""
        self._received += len(chunk)
        if self._verifier is not None:
            self._verifier.update(chunk)
        await self._validate(chunk)

    async def _validate(self, chunk: bytes, *, last: bool = False) -> None:
        intake = self._intake
        if intake is None:
            return
        items = intake.split(chunk, last=last)
        if items:
            await asyncio.get_running_loop().run_in_executor(self.state.executor, intake.validate, items)

    async def post(self) -> None:
        """Render many recaps ahead of time: a batch
        ---
        summary: Render many recaps ahead of time (a batch of up to 1,000 RenderRequests)
        description: >-
          Each item is an ordinary render (the same result cache: a reader who opens their recap later gets
          `complete` at once). A JSON array (application/json) or one RenderRequest a line (application/x-ndjson).
          All or nothing: if any item is invalid nothing is created and the 400 names each bad item by its index.
        requestBody:
          required: true
          content:
            application/json:
              schema:
                type: array
                maxItems: 1000
                items:
                  $ref: '#/components/schemas/RenderRequest'
            application/x-ndjson:
              schema:
                type: string
                description: one RenderRequest (JSON) a line
        responses:
          "202":
            description: the batch is accepted and runs; its id and where to follow it
            headers:
              Location:
                description: the batch (GET it for counts and results)
                schema:
                  type: string
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/BatchAccepted'
          "400":
            description: the body is not a batch, or items are invalid (`items` names each by its index)
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Error'
          "413":
            description: more than 1,000 items, a body over 16 MiB, or an item over 1 MiB
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Error'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "415":
            description: the body is sent neither as application/json nor as application/x-ndjson
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Error'
          "503":
            $ref: '#/components/responses/Unavailable'
        """
        intake = self._intake
        assert intake is not None
        if self._received > MAX_BATCH_BODY_BYTES:
            raise ApiError(413, f"The batch is larger than {MAX_BATCH_BODY_BYTES // (1024 * 1024)} MiB")
        if self._verifier is not None:
            try:
                self._verifier.finish()
            except SignatureRejected as rejected:
                raise self._refusal(rejected) from None
        await self._validate(b"", last=True)
        self._release_body()
        self._refuse_bad(intake)
        try:
            batch_id = await self.state.batches.start(intake.requests)
        except TooManyBatches as busy:
            message = f"This server has {busy.pending} batch items to render already; try again later"
            raise ApiError(503, message, headers={"Retry-After": str(BUSY_RETRY_AFTER)}) from None
        except StoreUnavailable:
            raise _unavailable() from None
        path = f"/batches/{batch_id}"
        links = {"self": self.link(path), "stream": self.link(path + "/stream")}
        body = {"batchId": batch_id, "total": len(intake.requests), "links": links}
        self.set_header("Location", links["self"])
        self.write_json(BatchAcceptedSchema().dump(body), status=202)

    def _refuse_bad(self, intake: BatchIntake) -> None:
        """The refusal of a batch that cannot run, naming the item; nothing has been created."""
        if intake.too_many:
            raise ApiError(413, f"The batch has more than {MAX_BATCH_ITEMS} items; split it")
        error = intake.format_error
        if error is not None:
            status = 413 if "larger than" in error.message else 400
            raise ApiError(
                status,
                f"Item {error.index}: {error.message}",
                bad_items=[{"index": error.index, "error": error.message}],
            )
        if intake.bad_count:
            extra: dict[str, Any] = {"bad_items": intake.bad_items}
            if intake.bad_count > MAX_REPORTED_ITEMS:
                extra["moreItems"] = intake.bad_count - MAX_REPORTED_ITEMS
            indexes = ", ".join(str(item["index"]) for item in intake.bad_items)
            more = f" and {intake.bad_count - MAX_REPORTED_ITEMS} more" if intake.bad_count > MAX_REPORTED_ITEMS else ""
            named = f"items {indexes}{more} are" if intake.bad_count > 1 else f"item {indexes} is"
            raise ApiError(400, f"Invalid batch: {named} not valid; nothing was created", **extra)
        if not intake.requests:
            raise ApiError(400, "The batch is empty")


class BatchHandler(BatchLinks):
    """GET /batches/<id>."""

    signed = True

    async def get(self, batch_id: str) -> None:
        """A batch's counts and its items' results, a page at a time
        ---
        summary: A batch's counts and its items' results, a page at a time
        parameters:
          - name: batch_id
            in: path
            required: true
            description: the id POST /batches answered
            schema:
              type: string
              pattern: "^[0-9a-f]{32}$"
          - name: after
            in: query
            required: false
            description: the index of the last item already seen (the page starts after it); default -1
            schema:
              type: integer
              minimum: -1
          - name: limit
            in: query
            required: false
            description: items in this page (default 100, at most 1000)
            schema:
              type: integer
              minimum: 1
              maximum: 1000
        responses:
          "200":
            description: the counts, this page's items and the next page's URL
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Batch'
          "400":
            $ref: '#/components/responses/BadRequest'
          "404":
            $ref: '#/components/responses/NotFound'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "503":
            $ref: '#/components/responses/Unavailable'
        """
        after = self._number("after", -1, minimum=-1)
        limit = self._number("limit", DEFAULT_PAGE, minimum=1, maximum=MAX_PAGE)
        status = await self.batch_status(batch_id)
        try:
            items = await self.state.batches.store.items(batch_id, after + 1, after + 1 + limit)
        except StoreUnavailable:
            raise _unavailable() from None
        last = after + len(items)
        more = last + 1 < status.total
        body = {
            **status.summary(),
            "items": [self._item(item) for item in items],
            "next": self.link(f"/batches/{quote(batch_id)}?after={last}&limit={limit}") if more else None,
        }
        self.write_json(BatchSchema().dump(body))

    def _number(self, name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
        values = self.request.query_arguments.get(name)
        if not values:
            return default
        text = values[0].decode("latin-1")
        number = int(text) if text.lstrip("-").isascii() and text.lstrip("-").isdigit() and len(text) < 10 else None
        if number is None or number < minimum or (maximum is not None and number > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            message = f"must be a whole number {bound}"
            raise ApiError(
                400,
                f"Invalid request: {name}: {message}",
                field_errors={name: [message]},
                messages=[f"{name} {message}"],
            )
        return number

    def _item(self, item: ItemResult) -> dict[str, Any]:
        body: dict[str, Any] = {"index": item.index, "status": item.status}
        if item.job_id:
            body["jobId"] = item.job_id
        if item.url is not None:
            body["s3Url"] = self.absolute_url(item.url)
        if item.duration is not None:
            body["duration"] = item.duration
        if item.assets:
            body["assets"] = self.absolute_assets(item.assets)
        if item.error is not None:
            body["error"] = item.error
        return body
