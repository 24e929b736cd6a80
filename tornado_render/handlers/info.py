"""GET /health and GET /videos."""

from __future__ import annotations

from datetime import datetime, timezone

from .base import JsonHandler


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat().replace("+00:00", "Z")


class HealthHandler(JsonHandler):
    def get(self) -> None:
        self.write_json({"status": "ok", "timestamp": _iso(datetime.now(timezone.utc).timestamp())})


class VideosHandler(JsonHandler):
    """Finished MP4s still in the output directory (uploads that failed, or kept on purpose)."""

    def get(self) -> None:
        directory = self.state.settings.output_dir
        in_progress = self.state.pipeline.in_progress
        videos = []
        if directory.is_dir():
            for entry in sorted(directory.glob("*.mp4")):
                if entry.name in in_progress or not entry.is_file():
                    continue
                stat = entry.stat()
                videos.append({"filename": entry.name, "size": stat.st_size, "created": _iso(stat.st_mtime)})
        self.write_json({"videos": videos})
