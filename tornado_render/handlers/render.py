"""POST /render: the same job as the stream, for clients that wait for the whole answer.

A client that disconnects does not cancel the render (the job's orphan timer decides that); the answer is
`{"success": true, ...}` or a 500 naming the failed stage.
"""

from __future__ import annotations

from ..job import JobEvent
from ..request_parsing import parse_json_body
from ..schemas import InvalidRequest
from .base import ApiError, JsonHandler
from .submit import submit_job

ERROR_TITLES = {"upload": "S3 upload failed"}


class RenderHandler(JsonHandler):
    async def post(self) -> None:
        try:
            request = parse_json_body(self.request.body, self.state.limits)
        except InvalidRequest as error:
            raise ApiError(400, str(error), fields=error.fields) from None
        job = submit_job(self.state, request, self.base_url())

        def listener(event: JobEvent) -> None:
            """POST waits on `job.finished`; attaching only counts this client as present."""

        self.state.jobs.attach(job, listener)
        try:
            await job.finished.wait()
        finally:
            self.state.jobs.detach(job, listener)
        if self.request.connection is None or self.request.connection.stream.closed():  # type: ignore[attr-defined]
            return
        if job.error is None and job.result is not None:
            self.write_json(
                {
                    "success": True,
                    "filename": job.result["filename"],
                    "s3Url": job.result["s3Url"],
                    "duration": job.result["duration"],
                    "renderTime": round(job.elapsed, 3),
                }
            )
            return
        body = {"error": ERROR_TITLES.get(job.error_kind or "", "Render failed"), "message": job.error}
        if job.result and job.result.get("filename"):
            body["filename"] = job.result["filename"]
            body["downloadUrl"] = f"{self.base_url()}/download/{job.result['filename']}"
        self.write_json(body, status=500)
