"""The exceptions that cross module boundaries. Each carries its facts as attributes; a failed job's `client_message`
is what a client may see (the spec's "Render failed: ..." / "S3 upload failed: ...", one fixed sentence per
`FailureReason`), never a stack trace, stderr or a local path: those go to the log.

A few exceptions are declared beside the code that raises them, and whoever catches them imports them from there:
`InvalidRequest` (validation.schemas; caught by web's handlers and the command line), `SignatureRejected`
(web.signing; web/handlers/base.py), `CoverRefused` (render.covers, which also catches it), `TrackRefused`
(render.audio_source; render/soundtrack.py), `FetchRefused` (render.fetching; caught by covers and audio_source),
`SettingsError` (settings; every command).

A job that fails ends with a `FailureReason`: metrics label failures with it and the POST answer picks its title
from it, so nothing downstream reads message text to learn what happened.
"""

from __future__ import annotations

import enum


class TornadoRenderError(Exception):
    """Base of every error this package raises on purpose."""


class FailureReason(str, enum.Enum):
    """Why a job failed, as metrics count it."""

    BUNDLING = "bundling"
    RENDER = "render"
    TIMEOUT = "timeout"
    UPLOAD = "upload"
    CANCELLED = "cancelled"
    ORPHANED = "orphaned"
    SHUTDOWN = "shutdown"
    INTERNAL = "internal"
    INVALID = "invalid"  # a worker found the request it took not valid (written into the store by something else)


# What a client is told of a failure (the `error` event, a POST's 500): one fixed sentence per reason, with the job's
# id beside it for support. What actually happened (driver output, exception text, paths) goes to the log only: it
# can name files and modules of the server, and means nothing to a reader.
CLIENT_MESSAGES = {
    FailureReason.BUNDLING: "Render failed: the video could not be prepared",
    FailureReason.RENDER: "Render failed: the video could not be rendered",
    FailureReason.TIMEOUT: "Render failed: the video took too long to render",
    FailureReason.UPLOAD: "S3 upload failed: the video could not be stored",
    FailureReason.CANCELLED: "Render failed: the render was cancelled",
    FailureReason.ORPHANED: "Render failed: no client was waiting for the video",
    FailureReason.SHUTDOWN: "Render failed: server is shutting down",
    FailureReason.INTERNAL: "Render failed: internal error",
    FailureReason.INVALID: "Render failed: the request is not valid",
}
# Failures the same request meets again (its video is too costly, its composition fails): remembered for its job key
# for FAILED_JOB_SECONDS, so a replay is answered at once instead of paying again. A cancel, a shutdown, a lost
# worker (INTERNAL), a store or storage outage (UPLOAD), a bundle that failed (the deployment, not the request) may
# go better next time and are not remembered.
RECURRING_FAILURES = frozenset({FailureReason.RENDER, FailureReason.TIMEOUT, FailureReason.INVALID})


class JobFailed(TornadoRenderError):
    """A job's pipeline failed for `reason`; `detail` is what happened (for the log and the command line),
    `client_message` the fixed sentence a client is told, `kept_file` a video left on disk."""

    def __init__(self, reason: FailureReason, detail: str, *, kept_file: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.kept_file = kept_file

    @property
    def client_message(self) -> str:
        return CLIENT_MESSAGES[self.reason]


class RenderFailed(TornadoRenderError):
    """The render driver failed, crashed, hung or broke its protocol (`reason` says how)."""

    def __init__(self, reason: str, *, stderr_tail: str = "", timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stderr_tail = stderr_tail
        self.timed_out = timed_out

    @property
    def summary(self) -> str:
        return f"Render failed: {self.reason}"


class MediaToolFailed(TornadoRenderError):
    """Remotion's ffmpeg or ffprobe failed, or ran out of time (`reason` says which and how; `stderr_tail` its last
    lines). The soundtrack turns this into a warning and a silent video, never a failed render."""

    def __init__(self, reason: str, *, stderr_tail: str = "", timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stderr_tail = stderr_tail
        self.timed_out = timed_out


class UploadFailed(TornadoRenderError):
    """Storing the rendered video failed; the local file is kept."""

    def __init__(self, reason: str, *, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    @property
    def summary(self) -> str:
        return f"S3 upload failed: {self.reason}"


class StorageUnavailable(TornadoRenderError):
    """The configured storage cannot be used (incomplete settings, unreachable bucket): the server won't start."""


class BrowserNotFound(TornadoRenderError):
    """No headless Chromium could be found for Remotion."""


class QueueFull(TornadoRenderError):
    """Too many jobs wait already; the client should retry after `retry_after` seconds."""

    def __init__(self, queued: int, retry_after: int) -> None:
        super().__init__(f"the render queue is full ({queued} waiting)")
        self.queued = queued
        self.retry_after = retry_after


class UserLimitReached(TornadoRenderError):
    """This userId has as many jobs queued or running as it may; retry after `retry_after` seconds."""

    def __init__(self, active: int, retry_after: int) -> None:
        super().__init__(f"this user already has {active} renders queued or running")
        self.active = active
        self.retry_after = retry_after


class UserStreamLimitReached(TornadoRenderError):
    """This userId has `limit` streams open already (across the fleet); retry after `retry_after` seconds."""

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(f"this user has {limit} streams open already")
        self.limit = limit
        self.retry_after = retry_after


class ShuttingDown(TornadoRenderError):
    """The server is stopping and takes no new jobs."""


class StoreUnavailable(TornadoRenderError):
    """The job store (Redis) cannot be reached; callers retry, or refuse new work with a 503."""
