"""GET /templates (the presets a reader can pick from) and GET /templates/<id>.png (their thumbnails).

A preset's `template` in the list is complete (the preset laid over the defaults): sent back as a RenderRequest's
`template` it renders exactly that preset, and a page can read every color and layout of it for its controls.

Thumbnails live in the current bundle's folder (render/thumbnails.py), so their root is looked up per request. Until
they are built the answer is a JSON 503 with Retry-After: that is the truth (they will exist shortly), and a page
can retry; an unknown name is the usual JSON 404. `Cache-Control: no-cache` with the ETag (size and mtime) makes a
browser revalidate cheaply, and a new composition version (new thumbnails) shows at once.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable
from typing import Any

from tornado.web import HTTPError

from ..responses import TemplatesSchema
from .base import ApiError, BaseHandler
from .pages import StaticHandler

BUILDING_RETRY_AFTER = 10


class TemplatesHandler(BaseHandler):
    """GET /templates."""

    def get(self) -> None:
        """The presets, each with its complete template and a thumbnail
        ---
        summary: The presets, each with its complete template and a thumbnail
        responses:
          "200":
            description: the presets; `default` first
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/Templates'
          "414":
            $ref: '#/components/responses/UriTooLong'
        """
        entries: list[dict[str, Any]] = [
            {
                "id": preset.id,
                "name": preset.name,
                "template": preset.resolved,
                "thumbnailUrl": f"{self.base_url()}/templates/{preset.id}.png",
            }
            for preset in self.state.templates.presets.values()
        ]
        self.write_json(TemplatesSchema().dump({"templates": entries}))


class ThumbnailHandler(StaticHandler):
    """GET /templates/<id>.png."""

    async def get(self, filename: str) -> None:  # type: ignore[override]
        """A preset's thumbnail: a still of a sample recap in it (PNG, 270 x 480)
        ---
        summary: "A preset's thumbnail: a still of a sample recap in it (PNG, 270 x 480)"
        parameters:
          - name: filename
            in: path
            required: true
            description: "`<id>.png`, the `thumbnailUrl` of a preset in GET /templates"
            example: default.png
            schema:
              type: string
        responses:
          "200":
            description: the thumbnail
            content:
              image/png:
                schema:
                  type: string
          "404":
            $ref: '#/components/responses/NotFound'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "503":
            $ref: '#/components/responses/NotBuiltYet'
        """
        await self._thumbnail(filename, include_body=True)

    def head(self, filename: str) -> Awaitable[None]:
        return self._thumbnail(filename, include_body=False)

    async def _thumbnail(self, filename: str, include_body: bool) -> None:
        preset = filename.removesuffix(".png")
        if not filename.endswith(".png") or preset not in self.state.templates.presets:
            raise HTTPError(404)
        cache = self.state.thumbnails
        directory = cache.ready_dir()
        if directory is None:
            cache.start_background_build()
            if cache.status() == "failed":
                raise ApiError(
                    503,
                    "The thumbnails could not be built; the server tries again shortly",
                    headers={"Retry-After": str(int(cache.retry_seconds))},
                )
            raise ApiError(
                503,
                "The thumbnails are being built; try again shortly",
                headers={"Retry-After": str(BUILDING_RETRY_AFTER)},
            )
        self.root = os.path.realpath(directory)
        await self.serve(filename, include_body=include_body)
