"""Names of rendered videos: local files `recap-{year}-{MM}-{token}.mp4`, storage keys
`videos/{userId}/{year}/{MM}/recap-{year}-{MM}-{token}.mp4`, with one 128-bit random token for both.

The token makes a video's address unguessable: knowing a reader's id and month is not enough to fetch or list their
videos (timestamps, the previous scheme, could be enumerated second by second). It also makes collisions a
non-issue: two renders of one month finishing at the same moment get different names with no coordination, even
on different instances. The local file is still claimed atomically (O_EXCL), so a name is never reused.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TOKEN_BYTES = 16


def new_token() -> str:
    """128 random bits as 32 hex characters."""
    return secrets.token_hex(TOKEN_BYTES)


def video_filename(year: int, month: int, token: str) -> str:
    return f"recap-{year}-{month:02d}-{token}.mp4"


def storage_key(user_id: str, filename: str, year: int, month: int) -> str:
    return f"videos/{user_id}/{year}/{month:02d}/{filename}"


def reserve_local_file(directory: Path, year: int, month: int) -> Path:
    """Create an empty file with a fresh random name in `directory` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    while True:
        path = directory / video_filename(year, month, new_token())
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            continue
        return path
