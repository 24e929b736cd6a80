"""The few exceptions of tornado-render. Each carries its facts as attributes; `client_message` is what a client
may see (the spec's "Render failed: ..." / "S3 upload failed: ..."), never a stack trace or a local path."""

from __future__ import annotations


class TornadoRenderError(Exception):
    """Base of every error this package raises on purpose."""


class RenderFailed(TornadoRenderError):
    """The render driver failed, crashed, hung or broke its protocol."""

    def __init__(self, reason: str, *, returncode: int | None = None, stderr_tail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.returncode = returncode
        self.stderr_tail = stderr_tail

    @property
    def client_message(self) -> str:
        return f"Render failed: {self.reason}"


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
