"""GET /health and GET /videos."""

from __future__ import annotations

import stat
from datetime import datetime, timezone

from .base import JsonHandler


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat().replace("+00:00", "Z")


class HealthHandler(JsonHandler):
    def get(self) -> None:
        self.write_json({"status": "ok", "timestamp": _iso(datetime.now(timezone.utc).timestamp())})


class VideosHandler(JsonHandler):
    """Finished MP4s still in the output directory (uploads that failed, or kept on purpose): regular files only,
    never a symlink (which would report, and lead /download to, something else)."""

    signed = True

    def get(self) -> None:
        directory = self.state.settings.output_dir
        in_progress = self.state.pipeline.in_progress
        videos = []
        if directory.is_dir():
            for entry in sorted(directory.glob("*.mp4")):
                if entry.name in in_progress:
                    continue
                info = entry.lstat()
                if not stat.S_ISREG(info.st_mode):
                    continue
                videos.append({"filename": entry.name, "size": info.st_size, "created": _iso(info.st_mtime)})
        self.write_json({"videos": videos})
