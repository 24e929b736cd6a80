"""GET /preview/<path>: the browser preview the driver builds into the bundle (BUNDLE_DIR/<hash>/preview/:
`player.js`, the composition in Remotion's Player, the font files it loads, `fonts/...`, and the soundtrack beds it
plays, `audio/<id>.wav`).

The preview is built from the same sources as the bundle the videos are rendered with, so the page shows the
picture the server will render. Its folder is the current bundle's, looked up per request; until the bundle is
built the answer is a JSON 503 with Retry-After. Only regular files inside that folder are served
(ContainedFileHandler: no path escapes, no symlinks, hidden names refused, JSON 404s). `player.js` keeps its name
across versions, so browsers revalidate it (`no-cache`, with the ETag); the fonts' names carry a hash of their
content, so they are cached for a year; the beds keep their names, so they are revalidated like player.js (and
served with ranges, which audio elements use).
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable

from .base import ApiError
from .pages import StaticHandler

PREVIEW_FOLDER = "preview"
BUILDING_RETRY_AFTER = 10
# esbuild's asset names (build-preview.mjs: fonts/[name]-[hash]): the hash is of the file's content.
_HASHED_ASSET = re.compile(r"fonts/[^/]+-[A-Z0-9]{8}\.[a-z0-9]+")
IMMUTABLE = "public, max-age=31536000, immutable"


class PreviewHandler(StaticHandler):
    """GET /preview/<path>."""

    async def get(self, path: str) -> None:  # type: ignore[override]
        """The browser preview (Remotion's Player with the composition) and its fonts, built with the bundle
        ---
        summary: The browser preview (Remotion's Player with the composition) and its fonts, built with the bundle
        parameters:
          - name: path
            in: path
            required: true
            description: "`player.js` (window.RecapPreview), a font it loads (`fonts/...`), or a soundtrack bed
              (`audio/<id>.wav`)"
            example: player.js
            schema:
              type: string
        responses:
          "200":
            description: the file
            content:
              "*/*":
                schema: {}
          "404":
            $ref: '#/components/responses/NotFound'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "503":
            $ref: '#/components/responses/NotBuiltYet'
        """
        await self._preview(path, include_body=True)

    def head(self, path: str) -> Awaitable[None]:
        return self._preview(path, include_body=False)

    async def _preview(self, path: str, include_body: bool) -> None:
        bundles = self.state.bundles
        bundle = bundles.ready_dir()
        if bundle is None:
            bundles.start_background_build()
            raise ApiError(
                503, "The preview is being built; try again shortly", headers={"Retry-After": str(BUILDING_RETRY_AFTER)}
            )
        self.root = os.path.realpath(bundle / PREVIEW_FOLDER)
        await self.serve(path, include_body=include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", IMMUTABLE if _HASHED_ASSET.fullmatch(path) else "no-cache")
