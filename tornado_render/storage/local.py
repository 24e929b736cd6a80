"""The embedded storage: videos copied under LOCAL_STORAGE_DIR and served by this server at /storage/<key>, so
`scripts/run` works on a laptop with no cloud account. A copy lands under `<name>.partial` and is renamed into
place, so /storage never serves half a file.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import StorageUnavailable, UploadFailed
from ..settings import Settings
from . import (
    VIDEO_CONTENT_TYPE,
    ListedVideo,
    StoredVideo,
    VideoPage,
    contained_key,
    is_contained_key,
    page_of,
)
from .naming import VIDEOS_PREFIX, is_story_video

LOCAL_STORAGE_ROUTE = "/storage/"


class LocalStorage:
    """The embedded default: videos are copied under LOCAL_STORAGE_DIR and served at /storage/<key>."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.storage_dir.resolve()
        self.public_url = settings.public_url
        self.description = f"local directory {self.root}"

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(f"cannot create LOCAL_STORAGE_DIR {self.root}: {error.strerror}") from None
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"LOCAL_STORAGE_DIR {self.root} is not writable")

    def path(self, key: str) -> Path:
        """Where `key` lives; UploadFailed for a key that leaves the root, by its spelling or through a symlink."""
        target = self.root / contained_key(key)
        if not target.resolve().is_relative_to(self.root):
            raise UploadFailed(f"the storage key {key[:200]!r} leaves the storage", code="UnsafeKey")
        return target

    def upload(self, path: Path, key: str, duration: float, warnings: tuple[str, ...] = ()) -> str:
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _details(target).write_text(json.dumps({"durationSeconds": duration, "warnings": list(warnings)}))
        except OSError as error:
            raise UploadFailed(error.strerror or str(error), code=type(error).__name__) from None
        return self.put_file(path, key, VIDEO_CONTENT_TYPE)

    def put_file(self, path: Path, key: str, content_type: str) -> str:
        """Copy `path` to `key` (through a `.partial` copy, renamed into place); its URL."""
        target = self.path(key)
        partial = target.with_name(target.name + ".partial")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, partial)
            os.replace(partial, target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise UploadFailed(error.strerror or str(error), code=type(error).__name__) from None
        return self.url(key)

    def file_url(self, key: str) -> str | None:
        return self.url(key) if is_contained_key(key) and (self.root / key).is_file() else None

    def put_record(self, key: str, record: Mapping[str, Any]) -> None:
        """Write a JSON record under `key` (through a `.partial` file renamed into place: readers never see half)."""
        target = self.path(key)
        partial = target.with_name(target.name + ".partial")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise UploadFailed(error.strerror or str(error), code=type(error).__name__) from None

    def get_record(self, key: str) -> dict[str, Any] | None:
        """The JSON record under `key`, or None (missing, unreadable, or not a JSON object)."""
        if not is_contained_key(key):
            return None
        try:
            record = json.loads((self.root / key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def get_file(self, key: str, path: Path) -> bool:
        """Copy the file under `key` to `path`; False when there is none."""
        try:
            shutil.copyfile(self.path(key), path)
        except (OSError, UploadFailed):
            return False
        return True

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            if is_contained_key(key):
                (self.root / key).unlink(missing_ok=True)

    def locate(self, key: str) -> StoredVideo | None:
        if not is_contained_key(key):
            return None
        target = self.root / key
        try:
            details = json.loads(_details(target).read_text())
            warnings = tuple(str(warning) for warning in details.get("warnings", []))
            return StoredVideo(self.url(key), float(details["durationSeconds"]), warnings) if target.is_file() else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def list_videos(self, after: str | None, limit: int) -> VideoPage:
        """The stored story videos after the key `after`, in key order, `limit` at most."""
        return page_of(self._videos(after), limit)

    def _videos(self, after: str | None) -> Iterator[ListedVideo]:
        folder = self.root / VIDEOS_PREFIX
        keys = (
            sorted(path.relative_to(self.root).as_posix() for path in folder.rglob("*.mp4")) if folder.is_dir() else []
        )
        for key in keys:
            if (after is not None and key <= after) or not is_story_video(key):
                continue
            try:
                info = (self.root / key).lstat()
            except OSError:
                continue  # removed meanwhile
            if stat.S_ISREG(info.st_mode):
                yield ListedVideo(key, info.st_size, datetime.fromtimestamp(info.st_mtime, timezone.utc), self.url(key))

    def url(self, key: str) -> str:
        route = LOCAL_STORAGE_ROUTE + quote(key, safe="/")
        return f"{self.public_url.rstrip('/')}{route}" if self.public_url else route


def _details(video: Path) -> Path:
    """The small JSON file beside a stored video that keeps its length and warnings (never served: /storage serves
    *.mp4)."""
    return video.with_name(video.name + ".json")
