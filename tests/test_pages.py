"""GET / and GET /static/...: the demo page, the widget and the sample recaps over plain HTTP (no browser)."""

from __future__ import annotations

import json

import pytest

from tests.support.recaps import RECAP_NAMES, RECAPS
from tests.support.server import ServerProcess
from tornado_render.web.handlers.pages import STATIC_DIR


class TestDemoPage:
    def test_served_at_root(self, fake_server: ServerProcess) -> None:
        """/ is the demo page, loading the widget and the page's script from /static."""
        status, headers, body = fake_server.request("GET", "/")
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert b'<script src="static/render-progress.js"></script>' in body
        assert b'src="static/demo.js"' in body
        assert b"<render-progress" in body

    def test_head(self, fake_server: ServerProcess) -> None:
        """HEAD / answers like GET, without a body."""
        status, headers, body = fake_server.request("HEAD", "/")
        assert (status, body) == (200, b"")
        assert int(headers["content-length"]) > 0

    @pytest.mark.parametrize("name", RECAP_NAMES)
    def test_every_sample_is_offered(self, name: str) -> None:
        """The page's sample list names every fixture recap."""
        assert f'<option value="{name}"' in (STATIC_DIR / "index.html").read_text()


class TestStaticFiles:
    def test_widget_script(self, fake_server: ServerProcess) -> None:
        """The widget is JavaScript with its charset, revalidated by browsers rather than cached blindly."""
        status, headers, body = fake_server.request("GET", "/static/render-progress.js")
        assert status == 200
        assert headers["content-type"] in ("text/javascript; charset=utf-8", "application/javascript; charset=utf-8")
        assert headers["cache-control"] == "no-cache"
        assert "etag" in headers
        assert b"customElements.define('render-progress'" in body

    @pytest.mark.parametrize("name", RECAP_NAMES)
    def test_samples_are_the_fixtures(self, fake_server: ServerProcess, name: str) -> None:
        """Each sample served is exactly the fixture recap of that name (the copies cannot drift)."""
        status, headers, body = fake_server.request("GET", f"/static/samples/{name}.json")
        assert status == 200
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert json.loads(body) == json.loads((RECAPS / f"{name}.json").read_text())

    def test_no_extra_samples(self) -> None:
        """The samples directory holds the fixture recaps and nothing else."""
        assert sorted(path.stem for path in (STATIC_DIR / "samples").iterdir()) == RECAP_NAMES

    @pytest.mark.parametrize(
        "path", ["/static/missing.js", "/static/", "/static/../app.py", "/static/%2e%2e/app.py", "/static/.hidden"]
    )
    def test_missing_or_outside_is_json_404(self, fake_server: ServerProcess, path: str) -> None:
        """Unknown files and every path escape are the same JSON 404."""
        status, headers, body = fake_server.request("GET", path)
        assert status == 404
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert json.loads(body) == {"error": "Not Found"}
