"""GET /templates, the presets' thumbnails (GET /templates/<id>.png) and the browser preview (GET /preview/...)
through a real server with the fake driver; tests/test_template_renders.py does the same with real renders."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from tests.support.recaps import load_recap
from tests.support.server import ROOT, ServerProcess
from tornado_render.templates import TemplateCatalog

CATALOG = TemplateCatalog.for_remotion_dir(ROOT / "remotion")


def bundle_dir(server: ServerProcess) -> Path:
    """The server's one built bundle."""
    [bundle] = [entry for entry in Path(server.env["BUNDLE_DIR"]).iterdir() if not entry.name.startswith(".")]
    return bundle


class TestTemplateList:
    def test_lists_every_preset_complete_with_its_thumbnail_url(self, fake_server: ServerProcess) -> None:
        """{"templates": [{id, name, template, thumbnailUrl}]}: default first, four distinct looks, each template
        complete (the preset over the defaults), each thumbnail URL absolute and on this server."""
        status, body = fake_server.get_json("/templates")
        assert status == 200
        entries = body["templates"]
        assert [entry["id"] for entry in entries] == ["default", "bold", "light", "minimal"]
        for entry in entries:
            assert set(entry) == {"id", "name", "template", "thumbnailUrl"}
            assert entry["template"] == CATALOG.presets[entry["id"]].resolved
            assert set(entry["template"]) == {
                "global",
                "intro",
                "bookReveal",
                "statsReveal",
                "comingSoon",
                "outro",
                "audio",
            }
            assert entry["thumbnailUrl"] == f"{fake_server.base_url}/templates/{entry['id']}.png"
        backgrounds = {entry["template"]["global"]["colors"]["background"] for entry in entries}
        assert len(backgrounds) == 4
        assert entries[0]["template"] == CATALOG.defaults


class TestThumbnails:
    def test_served_once_built(self, fake_server: ServerProcess) -> None:
        """After the build that follows the bundle at start, each preset's thumbnail is a 270x480 PNG (the fake
        driver paints it in the preset's background), kept in the bundle's folder."""
        built = fake_server.wait_for_log("thumbnails_built")
        assert built["count"] == 4
        for preset in CATALOG.presets.values():
            status, headers, body = fake_server.request("GET", f"/templates/{preset.id}.png")
            assert status == 200
            assert headers["content-type"] == "image/png"
            assert headers["cache-control"] == "no-cache"
            assert headers["etag"]
            with Image.open(io.BytesIO(body)) as image:
                assert image.size == (270, 480)
                color = "#{:02X}{:02X}{:02X}".format(*image.convert("RGB").getpixel((0, 0)))
            assert color == preset.resolved["global"]["colors"]["background"].upper()
        assert sorted(path.name for path in (bundle_dir(fake_server) / "thumbnails").glob("*.png")) == [
            "bold.png",
            "default.png",
            "light.png",
            "minimal.png",
        ]

    def test_unknown_names_are_json_404s(self, fake_server: ServerProcess) -> None:
        """An unknown preset, a name without .png, a path escape or an encoded one: the same JSON 404."""
        fake_server.wait_for_log("thumbnails_built")
        for path in (
            "/templates/neon.png",
            "/templates/default",
            "/templates/../templates/default.png",
            "/templates/%2e%2e%2fdefault.png",
            "/templates/default.png%00",
            "/templates/.thumbnails.png",
        ):
            status, headers, body = fake_server.request("GET", path)
            assert status == 404, path
            assert headers["content-type"].startswith("application/json")
            assert json.loads(body) == {"error": "Not Found"}

    def test_503_with_retry_after_while_building(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """While the thumbnails are being built a request is told to come back (JSON 503, Retry-After), then gets
        the PNG; only one build runs however many ask."""
        gate = tmp_path / "stills-gate"
        gate.mkdir()
        server = server_factory("ok", FAKE_DRIVER_STILLS_GATE=str(gate))
        server.wait_for_log("bundled")
        for _ in range(3):
            status, headers, body = server.request("GET", "/templates/light.png")
            assert status == 503
            assert headers["retry-after"] == "10"
            assert json.loads(body) == {"error": "The thumbnails are being built; try again shortly"}
        (gate / "stills").touch()
        server.wait_for_log("thumbnails_built")
        assert server.request("GET", "/templates/light.png")[0] == 200
        assert len(server.logs("thumbnails_built")) == 1

    def test_a_failed_build_is_a_503_not_a_crash(self, server_factory: Callable[..., ServerProcess]) -> None:
        """When the driver cannot render the stills, the failure is logged and the thumbnail answer is a JSON 503
        saying so with Retry-After (the build is tried again after a minute); the list still answers."""
        server = server_factory("ok", FAKE_DRIVER_STILLS="error")
        failed = server.wait_for_log("thumbnails_failed")
        assert "the browser crashed" in failed["reason"]
        status, headers, body = server.request("GET", "/templates/default.png")
        assert (status, headers["retry-after"]) == (503, "60")
        assert "could not be built" in json.loads(body)["error"]
        assert server.get_json("/templates")[0] == 200


class TestPreview:
    def test_player_and_fonts_are_served_from_the_bundle(self, fake_server: ServerProcess) -> None:
        """/preview/player.js is the bundle's preview/player.js (revalidated: no-cache); a font, whose name carries
        its hash, is cached for a year; HEAD answers too."""
        fake_server.wait_for_log("bundled")
        status, headers, body = fake_server.request("GET", "/preview/player.js")
        assert status == 200
        assert body == (bundle_dir(fake_server) / "preview" / "player.js").read_bytes()
        assert headers["content-type"] == "text/javascript; charset=utf-8"
        assert headers["cache-control"] == "no-cache"
        status, headers, body = fake_server.request("GET", "/preview/fonts/inter-latin-400-normal-ABCD1234.woff2")
        assert (status, body) == (200, b"wOF2fake")
        assert headers["content-type"] == "font/woff2"
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        status, headers, body = fake_server.request("HEAD", "/preview/player.js")
        assert (status, body) == (200, b"")

    def test_only_regular_files_of_the_preview_folder(self, fake_server: ServerProcess) -> None:
        """Nothing outside preview/ is reachable (the bundle's index.html, the thumbnails, the project), nor a
        symlink inside it, nor a hidden name: each is the same JSON 404."""
        fake_server.wait_for_log("thumbnails_built")
        preview = bundle_dir(fake_server) / "preview"
        os.symlink("/etc/passwd", preview / "passwd.js")
        (preview / ".hidden.js").write_text("secret")
        for path in (
            "/preview/../index.html",
            "/preview/%2e%2e/index.html",
            "/preview/..%2findex.html",
            "/preview/%2e%2e%2fthumbnails%2fdefault.png",
            "/preview//etc/passwd",
            "/preview/passwd.js",
            "/preview/.hidden.js",
            "/preview/",
            "/preview/fonts",
            "/preview/player.js%00.png",
            "/preview/..\\index.html",
        ):
            status, headers, _ = fake_server.request("GET", path)
            assert status == 404, path
            assert headers["content-type"].startswith("application/json"), path

    def test_503_while_the_bundle_builds(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """Before the bundle is built the preview is a JSON 503 with Retry-After, then it is served."""
        gate = tmp_path / "bundle-gate"
        gate.mkdir()
        server = server_factory("ok", FAKE_DRIVER_BUNDLE_GATE=str(gate))
        status, headers, body = server.request("GET", "/preview/player.js")
        assert (status, headers["retry-after"]) == (503, "10")
        assert json.loads(body) == {"error": "The preview is being built; try again shortly"}
        (gate / "bundle").touch()
        server.wait_for_log("bundled")
        assert server.request("GET", "/preview/player.js")[0] == 200
        assert len(server.logs("bundled")) == 1

    def test_a_preview_that_does_not_build_does_not_stop_renders(
        self, server_factory: Callable[..., ServerProcess]
    ) -> None:
        """When the driver reports that the preview did not build, the bundle is still used: the failure is logged,
        renders go on, and /preview/ has nothing to serve (404)."""
        server = server_factory("ok", FAKE_DRIVER_PREVIEW="error")
        assert "@remotion/player" in server.wait_for_log("preview_failed")["reason"]
        status, _, body = server.request("POST", "/render", load_recap("one-book"))
        assert status == 200, body
        assert server.request("GET", "/preview/player.js")[0] == 404
