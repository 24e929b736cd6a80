"""GET / (the demo page) and GET /static/... (its files, the embeddable widget, the sample recaps).

Plain files with no build step, served like the videos (ContainedFileHandler: no path escapes, JSON 404s) and
through JsonHandler, so CORS_ORIGINS also covers them: a site may load `render-progress.js` as a module script,
which browsers fetch with CORS. `Cache-Control: no-cache` makes browsers revalidate (cheap, with the ETag), so a
site embedding the widget gets a new version of it at once instead of a stale copy.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path

from .files import ContainedFileHandler

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
DEMO_PAGE = "index.html"


class StaticHandler(ContainedFileHandler):
    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")

    def get_content_type(self) -> str:
        # Without a charset, a script is decoded in the charset of the page that includes it, which may differ.
        content_type = super().get_content_type()
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            return f"{content_type}; charset=utf-8"
        return content_type


class DemoPageHandler(StaticHandler):
    async def get(self, path: str = DEMO_PAGE, include_body: bool = True) -> None:
        await super().get(DEMO_PAGE, include_body)

    def head(self, path: str = DEMO_PAGE) -> Awaitable[None]:
        return self.get(DEMO_PAGE, include_body=False)
