"""POST /render: the same job as the stream, for clients that wait for the whole answer.

The body is read as it arrives (`stream_request_body`) so that nothing of it is read before the head is checked: JSON
only (415), what the target shows of the signature (401/403: present, not expired, not too far off), a declared size
within MAX_BODY_BYTES (413), and room for it in the memory the process holds for unverified requests (preauth.py; 503
when there is none). The signature, which covers the body, is verified once the body is complete. A client that hangs
up stops being counted as present (its listener is detached), so the job's orphan timer decides about the render
exactly as for a closed stream. The answer is `{"success": true, ...}` or a 500 naming the failed stage.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tornado.web import stream_request_body

from ...errors import FailureReason, StoreUnavailable
from ...jobs.model import Failed, Job, Succeeded
from ...recap import RenderRequest
from ...settings import MAX_BODY_BYTES
from ...validation.request_parsing import parse_json_body
from ...validation.schemas import InvalidRequest
from ..preauth import prepay
from ..responses import RenderFailureSchema, RenderResultSchema
from .base import STORE_RETRY_AFTER, STORE_UNAVAILABLE, ApiError, BaseHandler

ERROR_TITLES = {FailureReason.UPLOAD: "S3 upload failed"}


def is_json_content_type(value: str) -> bool:
    """`application/json`, with or without parameters (`; charset=utf-8`), in any case."""
    return value.split(";", 1)[0].strip().lower() == "application/json"


@stream_request_body
class RenderHandler(BaseHandler):
    """POST /render."""

    signed = True
    _reserved = 0  # bytes of the pre-auth budget held for this body (a class default: prepare may stop early)

    def prepare(self) -> None:
        super().prepare()
        self._chunks: list[bytes] = []
        self._received = 0
        self._client_gone = asyncio.Event()
        self._reserved = 0
        if self.request.method != "POST":
            return
        if not is_json_content_type(self.request.headers.get("Content-Type", "")):
            # A form or text/plain POST is a "simple" cross-origin request a page can send without a preflight.
            raise ApiError(415, f"{self.request.method} {self.request.path} takes Content-Type: application/json")
        self.check_signature_head()
        declared = self.request.headers.get("Content-Length", "")
        size = int(declared) if declared.isascii() and declared.isdigit() else MAX_BODY_BYTES
        if size > MAX_BODY_BYTES:
            raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB")
        if not self.state.preauth.take(size):
            raise ApiError(503, "The server is busy; try again shortly", headers={"Retry-After": "10"})
        self._reserved = size
        prepay(self.request, size)

    def _release_body(self) -> None:
        """The body stops counting as a stranger's: its signature is verified, or the request is over."""
        self.state.preauth.give(self._reserved)
        self._reserved = 0
        prepay(self.request, 0)

    def on_finish(self) -> None:
        self._release_body()

    def data_received(self, chunk: bytes) -> None:
        self._received += len(chunk)
        if self._received <= MAX_BODY_BYTES:
            self._chunks.append(chunk)

    def on_connection_close(self) -> None:
        self._release_body()
        self._client_gone.set()

    async def post(self) -> None:
        """Render a recap and answer when it is stored
        ---
        summary: Render a recap and answer when it is stored
        requestBody:
          required: true
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/RenderRequest'
        responses:
          "200":
            description: the video is rendered and stored
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/RenderResult'
          "400":
            $ref: '#/components/responses/BadRequest'
          "413":
            $ref: '#/components/responses/TooLarge'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "415":
            $ref: '#/components/responses/UnsupportedMediaType'
          "429":
            $ref: '#/components/responses/TooManyJobs'
          "500":
            description: the render or the upload failed
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/RenderFailure'
          "503":
            $ref: '#/components/responses/Unavailable'
        """
        request = self.read_request()
        self._warnings = list(request.warnings)
        job = await self.submit(request)
        try:
            finished = await self._wait(job)
        except StoreUnavailable:
            raise ApiError(503, STORE_UNAVAILABLE, headers={"Retry-After": str(STORE_RETRY_AFTER)}) from None
        if finished:
            self._answer(job)

    def read_request(self) -> RenderRequest:
        """The body as a valid RenderRequest, or the refusal (413, the signature's 401/403, or the 400 naming every bad
        field): the one reading that POST /render and POST /validate share."""
        if self._received > MAX_BODY_BYTES:
            raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB")
        body = b"".join(self._chunks)
        self._chunks = []
        self.check_signature(body)
        self._release_body()
        try:
            return parse_json_body(body, self.state.limits)
        except InvalidRequest as error:
            raise ApiError(400, str(error), **error.body_extra()) from None

    async def _wait(self, job: Job) -> bool:
        """Wait for the job's end while the client is here (attached, it counts as watching); False when it hung up
        first. StoreUnavailable when the store stayed unreachable."""
        watch = await self.state.jobs.watch(job, None, self._client_gone)
        try:
            async for _ in watch:
                pass
        finally:
            await watch.close()
        if watch.outage:
            raise StoreUnavailable("the job store is unreachable")
        return not self._client_gone.is_set()

    def _answer(self, job: Job) -> None:
        state = job.state
        if isinstance(state, Succeeded):
            result = {
                "success": True,
                "filename": state.filename,
                "s3Url": self.absolute_url(state.url),
                "duration": state.duration,
                "renderTime": round(job.elapsed, 3),
                "warnings": self._warnings + list(state.warnings),
                "assets": self.absolute_assets(state.assets),
            }
            self.write_json(RenderResultSchema().dump(result))
            return
        assert isinstance(state, Failed)
        body: dict[str, Any] = {
            "error": ERROR_TITLES.get(state.reason, "Render failed"),
            "message": state.message,
            "jobId": job.id,
        }
        if state.kept_file:
            body["filename"] = state.kept_file
            body["downloadUrl"] = self.base_url() + self.download_target(state.kept_file)
        self.write_json(RenderFailureSchema().dump(body), status=500)
