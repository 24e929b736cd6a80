"""Where finished videos go: an S3 bucket (s3.py), or, with no bucket configured, a directory this server serves
itself (local.py).

Both offer the same blocking calls, run in the application's thread executor: `check()` once at start (the server
refuses to start on a storage it cannot use), `upload(path, key, duration, warnings) -> url`, and `locate(key)`,
which finds a video stored earlier (the result cache: video names are keyed digests of their recap, see naming.py)
with the length and the warnings it was stored with (a soundtrack that could not be used: a cache hit tells the
reader again). A video's assets (its poster, its card, its other shapes: naming.asset_key) are plain files beside
it: `put_file(path, key, content_type) -> url` and `file_url(key) -> url | None` (None: not stored). Small JSON
records this server keeps for itself (a share page's: shares.py) go in the same place, `put_record(key, record)` and
`get_record(key) -> record | None`, and are never served (/storage serves videos and images only). The finished
story videos are listed a page at a time, in key order, by `list_videos(after, limit) -> VideoPage` (GET /videos:
`after` is the last key of the page before; assets and records are not listed). Local storage
without PUBLIC_URL returns a path-only URL (`/storage/...`); each client gets it resolved against the URL it used
itself, so one client's `Host` header never becomes another client's video address.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..errors import UploadFailed
from ..settings import Settings

VIDEO_CONTENT_TYPE = "video/mp4"
RECORD_CONTENT_TYPE = "application/json"
_SAFE_SEGMENT = re.compile(r"[^/\\\x00-\x1f\x7f]+")


def is_contained_key(key: str) -> bool:
    """A key that stays inside a storage's root: relative, its segments neither empty nor `.`/`..`, no backslash or
    control character. Keys are made of a userId the web side checked, but a worker trusts nothing it reads (issue
    21: a userId `../../../x` written into Redis was stored outside LOCAL_STORAGE_DIR)."""
    segments = key.split("/")
    return all(_SAFE_SEGMENT.fullmatch(segment) and segment not in (".", "..") for segment in segments)


def contained_key(key: str) -> str:
    """`key`, or UploadFailed when it would leave the storage's root."""
    if not is_contained_key(key):
        raise UploadFailed(f"the storage key {key[:200]!r} leaves the storage", code="UnsafeKey")
    return key


@dataclass(frozen=True)
class StoredVideo:
    url: str
    duration: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListedVideo:
    """A finished story video in the storage: its key, size in bytes, when it was stored, and its URL."""

    key: str
    size: int
    modified: datetime
    url: str


@dataclass(frozen=True)
class VideoPage:
    """One page of list_videos; `next` is the `after` of the following page (None: this is the last)."""

    videos: list[ListedVideo]
    next: str | None = None


def page_of(videos: Iterator[ListedVideo], limit: int) -> VideoPage:
    """The first `limit` of `videos` (in key order), and the cursor to the rest when there is more."""
    taken = list(itertools.islice(videos, limit + 1))
    if len(taken) > limit:
        return VideoPage(taken[:limit], taken[limit - 1].key)
    return VideoPage(taken)


class Storage(Protocol):
    description: str

    def check(self) -> None: ...

    def upload(self, path: Path, key: str, duration: float, warnings: tuple[str, ...] = ()) -> str: ...

    def locate(self, key: str) -> StoredVideo | None: ...

    def put_file(self, path: Path, key: str, content_type: str) -> str: ...

    def file_url(self, key: str) -> str | None: ...

    def put_record(self, key: str, record: Mapping[str, Any]) -> None: ...

    def get_record(self, key: str) -> dict[str, Any] | None: ...

    def get_file(self, key: str, path: Path) -> bool: ...  # False: not stored (or not reachable)

    def delete(self, keys: list[str]) -> None: ...  # whatever of them is stored; missing ones are no error

    def list_videos(self, after: str | None, limit: int) -> VideoPage: ...


def make_storage(settings: Settings) -> Storage:
    from .local import LocalStorage
    from .s3 import S3Storage

    if settings.uses_s3:
        return S3Storage(settings)
    return LocalStorage(settings)
