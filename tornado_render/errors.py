"""The exceptions that cross module boundaries. Each carries its facts as attributes; `client_message` is what a
client may see (the spec's "Render failed: ..." / "S3 upload failed: ..."), never a stack trace or a local path.

A few exceptions stay with the modules that raise and handle them: `InvalidRequest` (web.schemas),
`SignatureRejected` (web.signing), `CoverRefused` (render.covers), `TrackRefused` (render.audio_source),
`FetchRefused` (render.fetching, caught by the two before it), `SettingsError` (settings).

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


class JobFailed(TornadoRenderError):
    """A job's pipeline failed for `reason`; `client_message` is its `error` event, `kept_file` a video left on disk."""

    def __init__(self, reason: FailureReason, client_message: str, *, kept_file: str | None = None) -> None:
        super().__init__(client_message)
        self.reason = reason
        self.client_message = client_message
        self.kept_file = kept_file


class RenderFailed(TornadoRenderError):
    """The render driver failed, crashed, hung or broke its protocol (`reason` says how)."""

    def __init__(self, reason: str, *, stderr_tail: str = "", timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stderr_tail = stderr_tail
        self.timed_out = timed_out

    @property
    def client_message(self) -> str:
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
    def client_message(self) -> str:
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


class ShuttingDown(TornadoRenderError):
    """The server is stopping and takes no new jobs."""


class StoreUnavailable(TornadoRenderError):
    """The job store (Redis) cannot be reached; callers retry, or refuse new work with a 503."""
