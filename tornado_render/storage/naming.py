"""Names of rendered videos: `recap-{year}-{MM}-{token}.mp4`, stored under `videos/{userId}/{year}/{MM}/`.

The token is a keyed digest (HMAC-SHA256, 128 bits kept) of the canonical request and of the composition's source
version, under the server's VIDEO_KEY_SECRET: the same recap rendered by the same composition always gets the same
name, so a finished video is found again by its request alone (the result cache), on any instance and after any
restart, and a retried render overwrites its own object instead of storing a second one. Without the secret the
name cannot be guessed from a reader's id and month, or from the recap itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

TOKEN_HEX_CHARS = 32
SECRET_FILE = ".video-key-secret"


def video_token(secret: bytes, canonical_request: str, source_version: str) -> str:
    """128 bits of HMAC-SHA256(secret, request + composition version), as hex."""
    message = canonical_request.encode("utf-8") + b"\n" + source_version.encode("ascii")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:TOKEN_HEX_CHARS]


# A story video's own name (not an asset's, such as ...-square.mp4, nor a record's).
STORY_VIDEO_NAME = re.compile(rf"^recap-\d{{4}}-\d{{2}}-[0-9a-f]{{{TOKEN_HEX_CHARS}}}\.mp4$")
VIDEOS_PREFIX = "videos/"


def is_story_video(key: str) -> bool:
    """Whether a storage key is a story video's (what GET /videos lists)."""
    return key.startswith(VIDEOS_PREFIX) and STORY_VIDEO_NAME.match(key.rsplit("/", 1)[-1]) is not None


def video_filename(year: int, month: int, token: str) -> str:
    return f"recap-{year}-{month:02d}-{token}.mp4"


def storage_key(user_id: str, filename: str, year: int, month: int) -> str:
    return f"{VIDEOS_PREFIX}{user_id}/{year}/{month:02d}/{filename}"


# What a render makes besides the story video, stored beside it under its name: `recap-...-{token}-{asset}.{ext}`.
ASSET_EXTENSIONS = {"poster": "jpg", "card": "jpg", "square": "mp4", "landscape": "mp4"}
ASSET_CONTENT_TYPES = {"jpg": "image/jpeg", "mp4": "video/mp4"}


def asset_key(video_key: str, asset: str) -> str:
    """The key of one of a video's assets (its poster, its card, another shape) beside the video's own key."""
    return f"{video_key.removesuffix('.mp4')}-{asset}.{ASSET_EXTENSIONS[asset]}"


def load_or_create_secret(directory: Path) -> bytes:
    """The secret kept in `directory` (created once, readable by this user only)."""
    path = directory / SECRET_FILE
    directory.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("ascii")
