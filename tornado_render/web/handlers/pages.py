"""GET / (the demo page) and GET /static/... (its files, the embeddable widget, the sample recaps).

Plain files with no build step, served like the videos (ContainedFileHandler: no path escapes, JSON 404s) and
through BaseHandler (web/handlers/base.py), so CORS_ORIGINS also covers them: a site may load `render-progress.js`
as a module script, which browsers fetch with CORS. `Cache-Control: no-cache` makes browsers revalidate (cheap, with
the ETag), so a site embedding the widget gets a new version of it at once instead of a stale copy.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path

from .files import ContainedFileHandler

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
DEMO_PAGE = "index.html"


class StaticHandler(ContainedFileHandler):
    """GET /static/<path>."""

    async def get(self, path: str) -> None:  # type: ignore[override]
        """The demo page's files, the <render-progress> widget, the sample recaps
        ---
        summary: The demo page's files, the <render-progress> widget, the sample recaps
        parameters:
          - name: path
            in: path
            required: true
            example: render-progress.js
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
        """
        await self.serve(path, include_body=True)

    def head(self, path: str) -> Awaitable[None]:
        return self.serve(path, include_body=False)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")

    def get_content_type(self) -> str:
        # Without a charset, a script is decoded in the charset of the page that includes it, which may differ.
        content_type = super().get_content_type()
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            return f"{content_type}; charset=utf-8"
        return content_type


class DemoPageHandler(StaticHandler):
    """GET /."""

    async def get(self) -> None:  # type: ignore[override]
        """The demo page
        ---
        summary: The demo page
        responses:
          "200":
            description: an HTML page
            content:
              text/html:
                schema:
                  type: string
          "414":
            $ref: '#/components/responses/UriTooLong'
        """
        await self.serve(DEMO_PAGE, include_body=True)

    def head(self) -> Awaitable[None]:  # type: ignore[override]
        return self.serve(DEMO_PAGE, include_body=False)
