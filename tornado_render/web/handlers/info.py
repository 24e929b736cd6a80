"""GET /health and GET /videos."""

from __future__ import annotations

import stat
from datetime import datetime, timezone

from ..responses import HealthSchema, VideosSchema
from .base import BaseHandler


class HealthHandler(BaseHandler):
    """GET /health."""

    def get(self) -> None:
        """Liveness
        ---
        summary: Liveness
        responses:
          "200":
            description: the server is up
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Health'
          "414":
            $ref: '#/components/responses/UriTooLong'
        """
        self.write_json(HealthSchema().dump({"status": "ok", "timestamp": datetime.now(timezone.utc)}))


class VideosHandler(BaseHandler):
    """Finished MP4s still in the output directory (uploads that failed, or kept on purpose): regular files only,
    never a symlink (which would report, and lead /download to, something else)."""

    signed = True

    def get(self) -> None:
        """The finished videos in the output directory
        ---
        summary: The finished videos in the output directory
        responses:
          "200":
            description: the videos
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Videos'
          "414":
            $ref: '#/components/responses/UriTooLong'
        """
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
                created = datetime.fromtimestamp(info.st_mtime, timezone.utc)
                videos.append({"filename": entry.name, "size": info.st_size, "created": created})
        self.write_json(VideosSchema().dump({"videos": videos}))
