"""Names of rendered videos: local files `recap-{year}-{MM}-{epoch ms}.mp4`, S3 keys
`videos/{userId}/{year}/{MM}/recap-{year}-{MM}-{YYYYMMDDTHHMMSSZ}.mp4`.

Two renders of the same month finishing in the same millisecond would collide on the local name, so
`reserve_local_file` claims a name atomically (O_EXCL) and moves to the next millisecond while it is taken. S3 keys
have one-second resolution, so two videos of one user's month stored in the same second would overwrite each other;
`KeyAllocator` gives each of them its own second instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path


def generate_s3_key(user_id: str, year: int, month: int, timestamp: datetime) -> str:
    stamp = timestamp.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"videos/{user_id}/{year}/{month:02d}/recap-{year}-{month:02d}-{stamp}.mp4"


def local_filename(year: int, month: int, epoch_ms: int) -> str:
    return f"recap-{year}-{month:02d}-{epoch_ms}.mp4"


def reserve_local_file(directory: Path, year: int, month: int, now: datetime) -> Path:
    """Create an empty file with a fresh local name in `directory` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    epoch_ms = int(now.timestamp() * 1000)
    while True:
        path = directory / local_filename(year, month, epoch_ms)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            epoch_ms += 1
            continue
        return path


class KeyAllocator:
    """Hands out S3 keys that are never reused: a strictly later second than the last key of the same user and
    month, and no second whose key already exists in storage. Thread-safe (it runs in the upload executor)."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, int, int], datetime] = {}
        self._lock = threading.Lock()

    def allocate(self, user_id: str, year: int, month: int, now: datetime, exists: Callable[[str], bool]) -> str:
        second = now.astimezone(timezone.utc).replace(microsecond=0)
        prefix = (user_id, year, month)
        with self._lock:
            last = self._last.get(prefix)
            if last is not None and second <= last:
                second = last + timedelta(seconds=1)
            key = generate_s3_key(user_id, year, month, second)
            while exists(key):
                second += timedelta(seconds=1)
                key = generate_s3_key(user_id, year, month, second)
            self._last[prefix] = second
            horizon = now - timedelta(minutes=5)
            for stale in [p for p, when in self._last.items() if when < horizon]:
                del self._last[stale]
        return key
