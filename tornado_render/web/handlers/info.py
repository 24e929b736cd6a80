"""GET /health and GET /videos."""

from __future__ import annotations

import asyncio
import stat
from datetime import datetime, timezone

from ...errors import StorageUnavailable
from ..responses import HealthSchema, VideosSchema
from .base import ApiError, BaseHandler

DEFAULT_PAGE = 100
MAX_PAGE = 1000


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
        ok = await self.state.jobs.healthy()
        health = {
            "status": "ok" if ok else "unavailable",
            "timestamp": datetime.now(timezone.utc),
            "store": self.state.jobs.store_name,
            "ok": ok,
        }
        self.write_json(HealthSchema().dump(health), status=200 if ok else 503)


class VideosHandler(BaseHandler):
    """The finished videos: first those still in the output directory (uploads that failed, or kept on purpose;
    regular files only, never a symlink, which would report, and lead /download to, something else), then those in
    the storage (LOCAL_STORAGE_DIR or the S3 bucket's videos/ prefix), a page at a time in key order. Every entry has
    its `url`: the storage's, or /download's for the output directory (signed when signing is on, as /download then
    wants)."""

    signed = True

    async def get(self) -> None:
        """The finished videos: in the output directory, then in the storage (paged)
        ---
        summary: "The finished videos: in the output directory, then in the storage (paged)"
        parameters:
          - name: limit
            in: query
            required: false
            description: how many stored videos a page lists (1-1000, default 100)
            schema:
              type: integer
              minimum: 1
              maximum: 1000
          - name: after
            in: query
            required: false
            description: the `next` of the page before (the output directory's videos come on the first page only)
            schema:
              type: string
        responses:
          "200":
            description: the videos
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Videos'
          "400":
            $ref: '#/components/responses/BadRequest'
          "414":
            $ref: '#/components/responses/UriTooLong'
        """
        limit = self._limit()
        after = self.get_query_argument("after", None)
        videos = [] if after else self._kept_videos()
        body: dict[str, object] = {"videos": videos}
        try:
            page = await asyncio.get_running_loop().run_in_executor(
                self.state.executor, self.state.videos.list_videos, after, limit
            )
        except StorageUnavailable as error:
            # The kept videos are what a failing storage leaves behind: list them, and say what could not be.
            body["storageError"] = f"The stored videos cannot be listed now ({error}); try again later"
            self.write_json(VideosSchema().dump(body))
            return
        for video in page.videos:
            videos.append(
                {
                    "filename": video.key.rsplit("/", 1)[-1],
                    "size": video.size,
                    "created": video.modified,
                    "url": self.absolute_url(video.url),
                    "key": video.key,
                    "location": "storage",
                }
            )
        if page.next is not None:
            body["next"] = page.next
        self.write_json(VideosSchema().dump(body))

    def _limit(self) -> int:
        text = self.get_query_argument("limit", str(DEFAULT_PAGE))
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_PAGE):
            raise ApiError(
                400,
                f"Invalid request: limit: must be a whole number from 1 to {MAX_PAGE}",
                field_errors={"limit": [f"must be a whole number from 1 to {MAX_PAGE}"]},
                messages=[f"The limit must be a whole number from 1 to {MAX_PAGE}"],
            )
        return int(text)

    def _kept_videos(self) -> list[dict[str, object]]:
        """The MP4s in the output directory, each with its /download URL."""
        directory = self.state.settings.output_dir
        videos: list[dict[str, object]] = []
        if directory.is_dir():
            for entry in sorted(directory.glob("*.mp4")):
                info = entry.lstat()
                if not stat.S_ISREG(info.st_mode):
                    continue
                created = datetime.fromtimestamp(info.st_mtime, timezone.utc)
                url = self.base_url() + self.download_target(entry.name)
                videos.append(
                    {"filename": entry.name, "size": info.st_size, "created": created, "url": url, "location": "output"}
                )
        return videos
