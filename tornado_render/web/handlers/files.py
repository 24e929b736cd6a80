"""GET /download/<filename> and GET /storage/<key>: files served from one directory and never from outside it.

Tornado's StaticFileHandler brings content types, ETags and range requests (video players seek). On top of it,
a path is served only if it is itself a regular file (not a symlink) and, after resolving every symlink on the way,
inside the root; /download takes only a plain video file name that is not being written, and /storage only
finished `*.mp4` files (never the `*.partial` copy in flight). Any other spelling (`..`, encoded slashes, absolute
paths, a NUL, a symlink) is the same JSON 404 as a missing file; a signature that is missing, wrong or expired is
the 401/403 every signed endpoint answers (checked before the path is looked at).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Awaitable
from typing import Any

from tornado.web import HTTPError, StaticFileHandler

from .base import ApiError, BaseHandler

VIDEO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.mp4")


SAFE_SEGMENT = re.compile(r"[^./\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]*")


def is_plain_relative_path(path: str) -> bool:
    """Segments that are neither empty, nor `.`/`..`, nor hidden, and no backslashes, control characters (NUL
    included) or absolute paths."""
    return bool(path) and all(SAFE_SEGMENT.fullmatch(segment) for segment in path.split("/"))


class ContainedFileHandler(BaseHandler, StaticFileHandler):
    name_pattern: re.Pattern[str] | None = None

    def servable(self, path: str) -> bool:
        """Whether this handler serves `path` at all (before looking at the disk)."""
        return bool(self.name_pattern.fullmatch(path)) if self.name_pattern else is_plain_relative_path(path)

    def initialize(self, path: str, default_filename: str | None = None) -> None:  # type: ignore[override]
        StaticFileHandler.initialize(self, os.path.realpath(path), default_filename)

    async def serve(self, path: str, include_body: bool) -> None:
        """GET or HEAD of `path`, if this handler serves it at all."""
        if not self.servable(path):
            raise HTTPError(404)
        await StaticFileHandler.get(self, path, include_body)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        real = os.path.realpath(absolute_path)
        if os.path.commonpath([real, root]) != root or not is_regular_file(absolute_path):
            raise HTTPError(404)
        return real

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        refused = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(refused, ApiError):
            # Our own refusals (a signature that does not match: 403) are what they say (issue 21).
            BaseHandler.write_error(self, status_code, **kwargs)
            return
        if status_code in (403, 404):
            # "Forbidden" would confirm that something exists there: every refusal is the same 404.
            self.set_status(404)
            kwargs = {}
        BaseHandler.write_error(self, 404 if status_code == 403 else status_code, **kwargs)

    @classmethod
    def get_content_version(cls, abspath: str) -> str:
        # Hash-free version (size and mtime): hashing a video on every request would read it twice.
        info = os.stat(abspath)
        return f"{info.st_size}-{info.st_mtime_ns}"


def is_regular_file(path: str) -> bool:
    """A regular file, and not a symlink to one."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


class DownloadHandler(ContainedFileHandler):
    """GET /download/<filename>: a video kept in the output directory."""

    name_pattern = VIDEO_NAME
    signed = True

    # The methods take exactly the route's arguments: the OpenAPI path's parameter names are read from them.
    async def get(self, filename: str) -> None:  # type: ignore[override]
        await self.serve(filename, include_body=True)

    def head(self, filename: str) -> Awaitable[None]:
        return self.serve(filename, include_body=False)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Content-Disposition", f'inline; filename="{os.path.basename(path)}"')


def video_operation(summary: str, parameter: str, description: str) -> str:
    """The OpenAPI operation (YAML, as apispec's Tornado plugin reads it from a docstring) of a video served from a
    directory, with ranges."""
    return f"""{summary}
        ---
        summary: {summary}
        parameters:
          - name: {parameter}
            in: path
            required: true
            description: "{description}"
            schema:
              type: string
          - name: Range
            in: header
            required: false
            schema:
              type: string
        responses:
          "200":
            $ref: '#/components/responses/Video'
          "206":
            $ref: '#/components/responses/VideoRange'
          "404":
            $ref: '#/components/responses/NotFound'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "416":
            description: the range is outside the file
        """


DownloadHandler.get.__doc__ = video_operation(
    "A video still in the output directory", "filename", "the video's file name"
)


class StorageHandler(ContainedFileHandler):
    """The embedded local storage (when no S3 bucket is configured): finished videos only."""

    async def get(self, key: str) -> None:  # type: ignore[override]
        await self.serve(key, include_body=True)

    def head(self, key: str) -> Awaitable[None]:
        return self.serve(key, include_body=False)

    def servable(self, path: str) -> bool:
        """Stored videos and their images (posters, cards)."""
        return super().servable(path) and path.endswith((".mp4", ".jpg"))


StorageHandler.get.__doc__ = video_operation(
    "A stored video (local storage only; `s3Url` points here)", "key", "the storage key; it contains `/`"
)
