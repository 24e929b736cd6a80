"""The finished videos as the web side serves them, whatever the storage: listed a page at a time (GET /videos),
streamed from the local storage's directory (/storage/, a share's media), or named by the bucket's URLs (a share's
redirects, and the origin its page's Content-Security-Policy allows).

web/ imports nothing from storage/ (the import contract in pyproject.toml): this is where the web side's questions
about the storage are answered, and the one place above storage/ that tells a local directory from a bucket.
"""

from __future__ import annotations

from pathlib import Path

from .storage import Storage, VideoPage
from .storage.local import LocalStorage
from .storage.s3 import S3Storage


class StoredVideos:
    """The storage's videos, read-only, for the handlers."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @property
    def description(self) -> str:
        """The storage as the start-up log names it ("local directory ...", "S3 bucket ...")."""
        return self.storage.description

    def list_videos(self, after: str | None, limit: int) -> VideoPage:
        """One page of the stored story videos, in key order (blocking: run it in the executor)."""
        return self.storage.list_videos(after, limit)

    @property
    def local_root(self) -> Path | None:
        """The local storage's directory, which files are served from; None with S3 (nothing is served from disk)."""
        return self.storage.root if isinstance(self.storage, LocalStorage) else None

    @property
    def bucket_origin(self) -> str | None:
        """The S3 endpoint's origin (a share page loads its media from there); None for local storage."""
        return self.storage.origin if isinstance(self.storage, S3Storage) else None

    def bucket_url(self, key: str, download: tuple[str, str] | None = None) -> str | None:
        """Where the bucket serves `key` (presigned afresh when it is private); with `download` (content type,
        Content-Disposition), a presigned GET that S3 answers as an attachment. None for local storage."""
        if not isinstance(self.storage, S3Storage):
            return None
        if download is not None:
            return self.storage.attachment_url(key, *download)
        return self.storage.url(key)
