"""GET /health and GET /videos."""

from __future__ import annotations

import stat
from datetime import datetime, timezone

from ..responses import HealthSchema, VideosSchema
from .base import BaseHandler


class HealthHandler(BaseHandler):
    """GET /health."""

    async def get(self) -> None:
        """Liveness, and whether the job store answers
        ---
        summary: Liveness, and whether the job store answers
        responses:
          "200":
            description: the server is up and its job store answers
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Health'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "503":
            description: the job store (Redis) cannot be reached
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Health'
        """
        store = self.state.jobs.store
        ok = await store.healthy()
        health = {
            "status": "ok" if ok else "unavailable",
            "timestamp": datetime.now(timezone.utc),
            "store": store.name,
            "ok": ok,
        }
        self.write_json(HealthSchema().dump(health), status=200 if ok else 503)


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
        videos = []
        if directory.is_dir():
            for entry in sorted(directory.glob("*.mp4")):
                info = entry.lstat()
                if not stat.S_ISREG(info.st_mode):
                    continue
                created = datetime.fromtimestamp(info.st_mtime, timezone.utc)
                videos.append({"filename": entry.name, "size": info.st_size, "created": created})
        self.write_json(VideosSchema().dump({"videos": videos}))
