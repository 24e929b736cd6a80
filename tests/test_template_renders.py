"""Real renders for the server side of templates: the bundle carries the browser preview, and a real server builds
the presets' thumbnails with Remotion's renderStill and serves them and the preview (marker `render`).

The server is given the session's bundle (seed_bundle_cache: BUNDLE_DIR/<source hash> is it) so that it builds only the
thumbnails: four stills in one browser, which is what this measures (the `seconds` of its `thumbnails_built` log).
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.support.artifacts import artifacts_dir
from tests.support.server import ServerProcess
from tests.support.stills import seed_bundle_cache

pytestmark = pytest.mark.render


class TestBundle:
    def test_the_bundle_carries_the_browser_preview(self, remotion_bundle: Path) -> None:
        """The driver's bundleOnly builds preview/player.js (window.RecapPreview) with every font file it names."""
        player = remotion_bundle / "preview" / "player.js"
        text = player.read_text()
        assert "RecapPreview" in text
        fonts = set(re.findall(r"preview/(fonts/[A-Za-z0-9._-]+\.woff2)", text))
        assert len(fonts) > 50
        assert all((remotion_bundle / "preview" / font).is_file() for font in fonts)


class TestServedByARealServer:
    def test_thumbnails_and_preview(
        self, server_factory: Callable[..., ServerProcess], remotion_bundle: Path, tmp_path: Path
    ) -> None:
        """A real server builds one thumbnail per preset after the bundle (270x480 PNGs, each a different picture)
        and serves them, and serves the preview's player.js and fonts from the same bundle. The thumbnails are saved
        to the test artifacts."""
        bundles = seed_bundle_cache(tmp_path / "bundles", remotion_bundle)
        server = server_factory(None, BUNDLE_DIR=str(bundles))
        built = server.wait_for_log(lambda line: line.get("event") in ("thumbnails_built", "thumbnails_failed"), 400)
        assert built["event"] == "thumbnails_built", built
        print(f"thumbnails of {built['count']} presets built in {built['seconds']} s")
        images = {}
        for preset in ("default", "bold", "light", "minimal"):
            status, headers, body = server.request("GET", f"/templates/{preset}.png")
            assert (status, headers["content-type"]) == (200, "image/png")
            with Image.open(io.BytesIO(body)) as image:
                assert (image.format, image.size) == ("PNG", (270, 480))
                images[preset] = image.convert("RGB")
            (artifacts_dir() / f"thumbnail-{preset}.png").write_bytes(body)
        for (first, a), (second, b) in itertools.combinations(images.items(), 2):
            difference = ImageStat.Stat(ImageChops.difference(a, b)).mean
            assert sum(difference) / 3 > 8, (first, second, difference)
        status, _, body = server.request("GET", "/preview/player.js")
        assert (status, body) == (200, (remotion_bundle / "preview" / "player.js").read_bytes())
        font = re.search(r"preview/(fonts/[A-Za-z0-9._-]+\.woff2)", body.decode())
        assert font is not None
        status, headers, _ = server.request("GET", f"/preview/{font.group(1)}")
        assert (status, headers["cache-control"]) == (200, "public, max-age=31536000, immutable")
