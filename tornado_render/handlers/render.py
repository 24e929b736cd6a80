"""POST /render: the same job as the stream, for clients that wait for the whole answer.

The body is read as it arrives (`stream_request_body`) so that a declared size over MAX_BODY_BYTES is refused with
a 413 before any of it is read; the signature, which covers the body, is checked once it is complete. A client
that hangs up stops being counted as present (its listener is detached), so the job's orphan timer decides about
the render exactly as for a closed stream. The answer is `{"success": true, ...}` or a 500 naming the failed stage.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tornado.web import stream_request_body

from ..config import MAX_BODY_BYTES
from ..job import Job, JobEvent
from ..request_parsing import parse_json_body
from ..schemas import InvalidRequest
from ..signing import sign_target
from .base import ApiError, JsonHandler
from .submit import submit_job

ERROR_TITLES = {"upload": "S3 upload failed"}
# How long a signed downloadUrl in a failure answer stays valid (the kept file stays until someone removes it).
DOWNLOAD_URL_SECONDS = 24 * 3600


@stream_request_body
class RenderHandler(JsonHandler):
    signed = True

    def prepare(self) -> None:
        super().prepare()
        self._chunks: list[bytes] = []
        self._received = 0
        self._client_gone = asyncio.Event()
        declared = self.request.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB")

    def data_received(self, chunk: bytes) -> None:
        self._received += len(chunk)
        if self._received <= MAX_BODY_BYTES:
            self._chunks.append(chunk)

    def on_connection_close(self) -> None:
        self._client_gone.set()

    async def post(self) -> None:
        if self._received > MAX_BODY_BYTES:
            raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB")
        body = b"".join(self._chunks)
        self.check_signature(body)
        try:
            request = parse_json_body(body, self.state.limits)
        except InvalidRequest as error:
            raise ApiError(400, str(error), **error.body_extra()) from None
        job = submit_job(self.state, request)
        if await self._wait(job):
            self._answer(job)

    async def _wait(self, job: Job) -> bool:
        """Wait for the job's end while the client is here; False when it hung up first."""

        def listener(event: JobEvent) -> None:
            """POST waits on `job.finished`; attaching only counts this client as present."""

        self.state.jobs.attach(job, listener)
        finished = asyncio.ensure_future(job.finished.wait())
        gone = asyncio.ensure_future(self._client_gone.wait())
        try:
            await asyncio.wait((finished, gone), return_when=asyncio.FIRST_COMPLETED)
        finally:
            finished.cancel()
            gone.cancel()
            self.state.jobs.detach(job, listener)
        return job.finished.is_set() and not self._client_gone.is_set()

    def _answer(self, job: Job) -> None:
        if job.error is None and job.result is not None:
            self.write_json(
                {
                    "success": True,
                    "filename": job.result["filename"],
                    "s3Url": self.absolute_url(job.result["s3Url"]),
                    "duration": job.result["duration"],
                    "renderTime": round(job.elapsed, 3),
                }
            )
            return
        body: dict[str, Any] = {"error": ERROR_TITLES.get(job.error_kind or "", "Render failed"), "message": job.error}
        if job.result and job.result.get("filename"):
            body["filename"] = job.result["filename"]
            body["downloadUrl"] = self.base_url() + self._download_target(job.result["filename"])
        self.write_json(body, status=500)

    def _download_target(self, filename: str) -> str:
        """Where /download serves the kept file: signed when signing is on, since /download then needs it."""
        target = f"/download/{filename}"
        keys = self.state.signing_keys
        return sign_target(keys[0], "GET", target, expires_in=DOWNLOAD_URL_SECONDS) if keys else target
