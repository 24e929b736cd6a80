"""The demo page's template picker and its instant preview (remotion/preview: the composition in Remotion's Player,
served at /preview/player.js) in a real headless Chromium, and the check that the preview is the picture the server
renders.

The browser is the renderer's own (tests.support.stills.browser_executable: Debian's chromium-headless-shell), with
the one rasterization flag Remotion's openBrowser gives it that changes pixels, `--font-render-hinting=none`: glyph
hinting is a setting of the machine that shows the page, not of the picture, and with it the Player's frame equals
renderStill's frame pixel for pixel. The Player's frame is taken at the video's size: the preview box is laid over
the page's viewport at exactly 1080x1920 CSS pixels, device scale 1, so the Player draws at scale 1 (no resizing of
either picture).

Screenshots (the picker, the preview, each compared frame) go to TEST_ARTIFACTS_DIR (default test-artifacts/), and
the PSNR figures to preview-psnr.json there.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from PIL import Image
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from tests.support.cover_server import CoverServer, start_cover_server
from tests.support.frames import HEIGHT, WIDTH, psnr, video_frame
from tests.support.recaps import load_recap
from tests.support.server import ROOT
from tests.support.stills import browser_executable, mean_difference, run_driver_job
from tornado_render.web.handlers.pages import STATIC_DIR

pytestmark = pytest.mark.browser

# What Remotion's openBrowser passes that changes how text is rasterized (see the module docstring).
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--font-render-hinting=none"]
PRESETS_DIR = ROOT / "remotion" / "src" / "template" / "presets"
MIN_PSNR = 35.0
# Two presets, three frames each: the intro, a book's entrance in mid-animation, and the stats/outro near the end.
COMPARED_PRESETS = ("light", "bold")
COMPARED_FRAMES = (40, 90, 280)
# Any pixel in the upper right corner of the preview box shows the background in the first seconds of every preset.
BACKGROUND_SAMPLE = (262, 14)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable(), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    directory = Path(os.environ.get("TEST_ARTIFACTS_DIR") or ROOT / "test-artifacts")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="module")
def cover_server() -> Iterator[CoverServer]:
    server = start_cover_server()
    yield server
    server.close()


def recap_request(cover_server: CoverServer) -> dict[str, Any]:
    """one-book with a real cover (so the preview has an image to wait for, as the render does)."""
    request = load_recap("one-book")
    cover = f"{cover_server.url}/piranesi.jpg"
    request["data"]["books"][0]["coverUrl"] = cover
    request["data"]["stats"]["topRatedBook"]["coverUrl"] = cover
    return request


def preset(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PRESETS_DIR / f"{name}.json").read_text())
    return loaded


@dataclass
class DemoSite:
    """The demo page, its files, /templates and /preview/ (the bundle's preview build) on 127.0.0.1."""

    base_url: str


@pytest.fixture(scope="module")
def demo_site(remotion_bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    thumbnails = tmp_path_factory.mktemp("thumbnails")
    presets = []
    for path in sorted(PRESETS_DIR.glob("*.json")):
        Image.new("RGB", (270, 480), (128, 128, 128)).save(thumbnails / f"{path.stem}.png")
        loaded = json.loads(path.read_text())
        presets.append(
            {
                "id": path.stem,
                "name": loaded["name"],
                "template": loaded["template"],
                "thumbnailUrl": f"thumbnails/{path.stem}.png",
            }
        )

    class Templates(tornado.web.RequestHandler):
        def get(self) -> None:
            self.write({"templates": presets})

    class Index(tornado.web.RequestHandler):
        def get(self) -> None:
            self.write((STATIC_DIR / "index.html").read_bytes())

    started = threading.Event()
    holder: dict[str, Any] = {}

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = tornado.web.Application(
            [
                (r"/", Index),
                (r"/templates", Templates),
                (r"/static/(.*)", tornado.web.StaticFileHandler, {"path": str(STATIC_DIR)}),
                (r"/preview/(.*)", tornado.web.StaticFileHandler, {"path": str(remotion_bundle / "preview")}),
                (r"/thumbnails/(.*)", tornado.web.StaticFileHandler, {"path": str(thumbnails)}),
            ]
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        holder["port"] = sockets[0].getsockname()[1]
        holder["loop"] = loop
        holder["server"] = server
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    yield DemoSite(f"http://127.0.0.1:{holder['port']}")
    loop = holder["loop"]
    loop.call_soon_threadsafe(holder["server"].stop)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; an uncaught JavaScript exception on it fails the test."""
    context = browser.new_context(viewport={"width": 900, "height": 1400}, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def open_demo(page: Page, site: DemoSite, request: dict[str, Any] | None = None) -> None:
    """The demo page with its presets listed and the preview playing (the sample, or `request` typed in)."""
    page.goto(f"{site.base_url}/")
    expect(page.locator("#render")).to_be_enabled()
    expect(page.locator("#presets")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#presets input[type=radio]:checked")).to_have_value("default")
    if request is not None:
        page.fill("#request", json.dumps(request, indent=2))
    page.wait_for_function("window.TemplatePicker.preview !== null")


def pick_preset(page: Page, preset_id: str) -> None:
    page.click(f"label.preset:has(input[value={preset_id}])")
    expect(page.locator(f"#presets input[value={preset_id}]")).to_be_checked()


def show_frame(page: Page, frame: int) -> None:
    """Pause the preview on `frame` and return once it is drawn with its fonts and covers loaded."""
    page.evaluate("(frame) => window.TemplatePicker.preview.showFrame(frame)", frame)


def preview_pixel(page: Page, xy: tuple[int, int]) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(page.locator("#preview").screenshot())) as shot:
        pixel: tuple[int, int, int] = shot.convert("RGB").getpixel(xy)  # type: ignore[assignment]
    return pixel


def capture_render_requests(page: Page) -> list[str]:
    """The URLs of the render streams the page opens from now on (each refused, so nothing renders)."""
    sent: list[str] = []

    def capture(route: Route) -> None:
        sent.append(route.request.url)
        route.abort()

    page.route("**/render-stream?*", capture)
    return sent


def near(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 3) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def hex_rgb(color: str) -> tuple[int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


class TestPicker:
    def test_presets_and_controls_drive_the_preview(self, demo_site: DemoSite, page: Page, artifacts: Path) -> None:
        """Picking a preset and then another background color each change a sampled pixel of the preview."""
        open_demo(page, demo_site)
        show_frame(page, 30)
        default_background = hex_rgb(preset("default")["template"]["global"]["colors"]["background"])
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), default_background)
        pick_preset(page, "light")
        light_background = preset("light")["template"]["global"]["colors"]["background"]
        expect(page.locator("#color-background")).to_have_value(light_background)
        show_frame(page, 30)
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), hex_rgb(light_background))
        page.fill("#color-background", "rgb(200, 30, 60)")
        show_frame(page, 30)
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), (200, 30, 60))
        with Image.open(io.BytesIO(page.locator("#preview").screenshot())) as shot:
            centered = shot.convert("RGB")
        page.select_option("#layout-intro", "minimal")
        show_frame(page, 30)
        with Image.open(io.BytesIO(page.locator("#preview").screenshot())) as shot:
            assert mean_difference(centered, shot.convert("RGB")) > 1
        page.screenshot(path=artifacts / "preview-picker.png", full_page=True)
        page.locator("#preview").screenshot(path=artifacts / "preview-player.png")

    def test_invalid_color_leaves_the_preview_and_is_refused(self, demo_site: DemoSite, page: Page) -> None:
        """A color that is not a CSS color is flagged, keeps the last picture, and stops the render before sending."""
        open_demo(page, demo_site)
        page.fill("#color-background", "#00ff00")
        show_frame(page, 30)
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), (0, 255, 0))
        sent = capture_render_requests(page)
        page.fill("#color-background", "url(javascript:alert(1))")
        expect(page.locator("#color-background")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#color-background-error")).to_contain_text("is not a CSS color")
        show_frame(page, 31)
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), (0, 255, 0))
        page.click("#render")
        expect(page.locator("#error")).to_have_text(
            'The background color is not a CSS color: "url(javascript:alert(1))"'
        )
        assert sent == []
        page.fill("#color-background", "#0000ff")
        expect(page.locator("#color-background")).to_have_attribute("aria-invalid", "false")
        show_frame(page, 30)
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), (0, 0, 255))

    def test_render_request_carries_the_choice(self, demo_site: DemoSite, page: Page) -> None:
        """The render request has the preset as templateId and, as template, only the controls changed from it."""
        open_demo(page, demo_site)
        capture_render_requests(page)
        pick_preset(page, "bold")
        page.fill("#color-accent", "hotpink")
        page.select_option("#layout-outro", "minimal")
        with page.expect_request("**/render-stream?*") as opened:
            page.click("#render")
        request = json.loads(parse_qs(urlsplit(opened.value.url).query)["data"][0])
        assert request["templateId"] == "bold"
        assert request["template"] == {"global": {"colors": {"accent": "hotpink"}}, "outro": {"layout": "minimal"}}
        assert request["data"] == load_recap("one-book")["data"]

    def test_without_presets_or_preview_the_page_still_renders(self, demo_site: DemoSite, page: Page) -> None:
        """When /templates and the preview script fail, the page says so and sends the request without a template."""
        page.route("**/templates", lambda route: route.fulfill(status=500, json={"error": "broken"}))
        page.route("**/preview/player.js", lambda route: route.fulfill(status=404, json={"error": "missing"}))
        page.goto(f"{demo_site.base_url}/")
        expect(page.locator("#presets-status")).to_contain_text("The presets could not be loaded (HTTP 500)")
        expect(page.locator("#preview-status")).to_have_text(
            "The preview is not available (preview/player.js: HTTP 404)."
        )
        expect(page.locator("#render")).to_be_enabled()
        expect(page.locator("#request")).to_have_value(re.compile('"monthName": "October"'))
        capture_render_requests(page)
        with page.expect_request("**/render-stream?*") as opened:
            page.click("#render")
        request = json.loads(parse_qs(urlsplit(opened.value.url).query)["data"][0])
        assert request == load_recap("one-book")

    def test_layout_controls_list_the_composition_layouts(self, demo_site: DemoSite, page: Page) -> None:
        """Each scene's layout control offers exactly the layouts the composition knows (RecapPreview.layouts)."""
        open_demo(page, demo_site)
        offered = page.evaluate(
            """() => Object.fromEntries(Array.from(document.querySelectorAll('select[data-scene]'),
                (select) => [select.dataset.scene, Array.from(select.options, (option) => option.value)]))"""
        )
        known = page.evaluate("() => window.RecapPreview.layouts")
        assert offered == known
        assert set(known) == {"intro", "bookReveal", "statsReveal", "comingSoon", "outro"}


@pytest.fixture(scope="module")
def rendered_videos(
    remotion_bundle: Path, cover_server: CoverServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The recap rendered to MP4 with each compared preset by the real driver (as the server runs it)."""
    out = tmp_path_factory.mktemp("preview-videos")
    videos = {}
    for name in COMPARED_PRESETS:
        videos[name] = out / f"{name}.mp4"
        run_driver_job(
            {
                "inputProps": {**recap_request(cover_server)["data"], "template": preset(name)["template"]},
                "serveUrl": str(remotion_bundle),
                "browserExecutable": browser_executable(),
                "outputPath": str(videos[name]),
            }
        )
    return videos


def full_size_preview(page: Page) -> None:
    """Lay the preview box over the viewport at exactly the video's size, without the Player's controls."""
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.add_style_tag(
        content=f"#preview {{ position: fixed; left: 0; top: 0; z-index: 10; width: {WIDTH}px; height: {HEIGHT}px;"
        " border-radius: 0; }"
    )
    page.evaluate("() => window.TemplatePicker.preview.setControls(false)")


FIGURES: dict[str, dict[str, float]] = {}


@pytest.mark.render
class TestPreviewIsTheRender:
    @pytest.mark.parametrize("preset_id", COMPARED_PRESETS)
    def test_player_frames_match_the_video(
        self,
        demo_site: DemoSite,
        page: Page,
        cover_server: CoverServer,
        rendered_videos: dict[str, Path],
        artifacts: Path,
        preset_id: str,
    ) -> None:
        """At three frames, the demo page's Player and the rendered video agree within 35 dB PSNR (another preset's
        video does not)."""
        open_demo(page, demo_site, recap_request(cover_server))
        pick_preset(page, preset_id)
        full_size_preview(page)
        other = next(name for name in COMPARED_PRESETS if name != preset_id)
        figures = {}
        for frame in COMPARED_FRAMES:
            show_frame(page, frame)
            with Image.open(io.BytesIO(page.locator("#preview").screenshot())) as shot:
                player = shot.convert("RGB")
            assert player.size == (WIDTH, HEIGHT)
            video = video_frame(rendered_videos[preset_id], frame)
            player.save(artifacts / f"preview-{preset_id}-{frame}-player.png")
            video.save(artifacts / f"preview-{preset_id}-{frame}-video.png")
            figures[str(frame)] = round(psnr(player, video), 2)
            figures[f"{frame} vs {other}"] = round(psnr(player, video_frame(rendered_videos[other], frame)), 2)
        FIGURES[preset_id] = figures
        (artifacts / "preview-psnr.json").write_text(json.dumps(FIGURES, indent=2))
        print(f"PSNR {preset_id}: {figures}")
        assert all(figures[str(frame)] >= MIN_PSNR for frame in COMPARED_FRAMES), figures
        assert all(figures[f"{frame} vs {other}"] < MIN_PSNR for frame in COMPARED_FRAMES), figures
