"""A storage that is one file: `tornado-render render -o OUT.mp4` stores the video exactly there, and its assets
beside it, named after it: OUT-poster.jpg, OUT-card.jpg, OUT-square.mp4, OUT-landscape.mp4, unless the command was
given a path of its own for one of them (`--poster PATH`, `--card PATH`)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UploadFailed
from . import StoredVideo, VideoPage, contained_key


class SingleFileStorage:
    def __init__(self, target: Path, paths: Mapping[str, Path] | None = None) -> None:
        self.target = target
        # Asset name (poster, card, ...) -> where that asset goes instead of beside the target.
        self.paths = dict(paths or {})
        self.description = f"the file {target}"

    def check(self) -> None:
        """Nothing to check: the directory is created when the video is moved there."""

    def locate(self, key: str) -> StoredVideo | None:
        """Always render: the command line is asked for a fresh file."""
        return None

    def upload(self, path: Path, key: str, duration: float, warnings: tuple[str, ...] = ()) -> str:
        """Move the rendered video to the target (the key is not used: there is only one place; the command prints
        the warnings itself)."""
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, self.target)
        except OSError as error:
            raise UploadFailed(error.strerror or str(error), code=type(error).__name__) from None
        return str(self.target.resolve())

    def put_file(self, path: Path, key: str, content_type: str) -> str:
        """Move an asset beside the target, named after it with the asset's suffix (the key's last part after the
        video's token: `-poster.jpg`, ...)."""
        suffix = contained_key(key).rsplit("-", 1)[-1]
        if "/" in suffix:
            raise UploadFailed(f"the storage key {key[:200]!r} has no asset suffix", code="UnsafeKey")
        chosen = self.paths.get(suffix.partition(".")[0])
        destination = chosen or self.target.with_name(f"{self.target.stem}-{suffix}")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination)
        except OSError as error:
            raise UploadFailed(error.strerror or str(error), code=type(error).__name__) from None
        return str(destination.resolve())

    def file_url(self, key: str) -> str | None:
        """Always render: the command line is asked for fresh files."""
        return None

    def put_record(self, key: str, record: Mapping[str, Any]) -> None:
        """Nothing to keep: the command line makes no share pages."""

    def get_record(self, key: str) -> dict[str, Any] | None:
        return None

    def get_file(self, key: str, path: Path) -> bool:
        return False

    def delete(self, keys: list[str]) -> None:
        """Nothing but the command's own files is written here, and those stay."""

    def list_videos(self, after: str | None, limit: int) -> VideoPage:
        """Nothing is kept here to list (the command line writes one file)."""
        return VideoPage([])
