"""Names of rendered videos: local files `recap-{year}-{MM}-{epoch ms}.mp4`, S3 keys
`videos/{userId}/{year}/{MM}/recap-{year}-{MM}-{YYYYMMDDTHHMMSSZ}.mp4`.

Two renders of the same month finishing in the same millisecond would collide on the local name, so
`reserve_local_file` claims a name atomically (O_EXCL) and moves to the next millisecond while it is taken.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
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
