"""The demo page's template picker and its instant preview (remotion/preview: the composition in Remotion's Player,
served by the server at /preview/player.js), in a real headless Chromium, on the real server; and the check that
the preview is the picture the server renders.

Every server here starts with the session's real bundle already in its BUNDLE_DIR (tests.support.preview
.bundle_dir_holding), so it serves the real preview at once, also with the fake driver, which the picker tests use:
they check what the page shows and sends, not a video. The PSNR test renders real videos with the real driver.

The browser is the renderer's own (tests.support.stills.browser_executable: Debian's chromium-headless-shell), with
the one flag of Remotion's openBrowser that changes pixels, `--font-render-hinting=none`: glyph hinting is a setting
of the machine that shows the page, not of the picture (with it, the Player's frame equals renderStill's frame
pixel for pixel). The Player's frame is taken at the video's size: the preview box is laid over the page's
viewport at exactly 1080x1920 CSS pixels, device scale 1, so the Player draws at scale 1 and neither picture is
resized.

Screenshots (the picker, the preview, each compared frame) go to TEST_ARTIFACTS_DIR (default test-artifacts/), the
PSNR figures to preview-psnr.json there.
"""

from __future__ import annotations

import io
import json
import re
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.support.artifacts import artifacts_dir
from tests.support.browser_pages import checked_page, launched_browser
from tests.support.cover_server import CoverServer, start_cover_server
from tests.support.preview import HEIGHT, WIDTH, bundle_dir_holding, psnr, video_frame
from tests.support.recaps import load_recap
from tests.support.server import ROOT, ServerProcess, start_server
from tests.support.stills import browser_executable, mean_difference

pytestmark = pytest.mark.browser

# What Remotion's openBrowser passes that changes how text is rasterized (see the module docstring).
# Remotion renders with this flag; the preview is compared in the same browser.
RENDERER_ARGS = ("--font-render-hinting=none",)
PRESETS_DIR = ROOT / "remotion" / "src" / "template" / "presets"
FAKE_RENDER_SECONDS = 30
REAL_RENDER_SECONDS = 300
MIN_PSNR = 35.0
# Two presets, three frames each: the intro, a book's entrance in mid-animation, and the stats/outro near the end.
COMPARED_PRESETS = ("light", "bold")
COMPARED_FRAMES = (40, 90, 280)
# This pixel of the 270x480 preview box (its upper right corner) shows the background early in every preset.
BACKGROUND_SAMPLE = (262, 14)
FIGURES: dict[str, dict[str, float]] = {}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_browser(browser_executable(), RENDERER_ARGS) as browser:
        yield browser


@pytest.fixture(scope="session")
def artifacts() -> Path:
    return artifacts_dir()


@pytest.fixture(scope="module")
def cover_server() -> Iterator[CoverServer]:
    server = start_cover_server()
    yield server
    server.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; an uncaught JavaScript exception on it fails the test."""
    with checked_page(browser, viewport={"width": 900, "height": 1400}, device_scale_factor=1) as page:
        yield page


@pytest.fixture
def demo_server(
    server_factory: Callable[..., ServerProcess], remotion_bundle: Path, tmp_path: Path, jobs_dir: Path
) -> ServerProcess:
    """The server with the fake driver (it records its jobs in jobs_dir) and the real bundle, so the real preview."""
    bundles = bundle_dir_holding(remotion_bundle, tmp_path / "bundles")
    return server_factory("ok", BUNDLE_DIR=str(bundles), FAKE_DRIVER_JOBS=str(jobs_dir))


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


def open_demo(page: Page, server: ServerProcess, request: dict[str, Any] | None = None) -> None:
    """The demo page with its presets listed and the preview playing (the sample, or `request` typed in)."""
    page.goto(f"{server.base_url}/")
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


def preview_shot(page: Page) -> Image.Image:
    with Image.open(io.BytesIO(page.locator("#preview").screenshot())) as shot:
        return shot.convert("RGB")


def preview_pixel(page: Page, xy: tuple[int, int]) -> tuple[int, int, int]:
    pixel: tuple[int, int, int] = preview_shot(page).getpixel(xy)  # type: ignore[assignment]
    return pixel


def near(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 3) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def hex_rgb(color: str) -> tuple[int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def sent_request(url: str) -> dict[str, Any]:
    """The RenderRequest in a /render-stream URL."""
    request: dict[str, Any] = json.loads(parse_qs(urlsplit(url).query)["data"][0])
    return request


def recorded_jobs(jobs_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted(jobs_dir.glob("*.json"))]


class TestPicker:
    def test_presets_and_controls_drive_the_preview(
        self, demo_server: ServerProcess, page: Page, artifacts: Path
    ) -> None:
        """Picking a preset, then another background color, then another intro layout each change the preview."""
        open_demo(page, demo_server)
        expect(page.locator("#presets img")).to_have_count(len(list(PRESETS_DIR.glob("*.json"))))
        page.wait_for_function(  # the first thumbnails are rendered on demand (a still each, in a cold cache)
            "Array.from(document.querySelectorAll('#presets img')).every((img) => img.complete && img.naturalWidth)",
            timeout=120_000,
        )
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
        centered = preview_shot(page)
        page.select_option("#layout-intro", "minimal")
        show_frame(page, 30)
        assert mean_difference(centered, preview_shot(page)) > 1
        page.screenshot(path=artifacts / "preview-picker.png", full_page=True)
        page.locator("#preview").screenshot(path=artifacts / "preview-player.png")

    def test_invalid_color_leaves_the_preview_and_is_refused(
        self, demo_server: ServerProcess, page: Page, jobs_dir: Path
    ) -> None:
        """A color that is not a CSS color is flagged, keeps the last picture, and stops the render before sending."""
        open_demo(page, demo_server)
        page.fill("#color-background", "#00ff00")
        show_frame(page, 30)
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), (0, 255, 0))
        page.fill("#color-background", "url(javascript:alert(1))")
        expect(page.locator("#color-background")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#color-background-error")).to_contain_text("is not a CSS color")
        show_frame(page, 31)
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), (0, 255, 0))
        page.click("#render")
        expect(page.locator("#error")).to_have_text(
            'The background color is not a CSS color: "url(javascript:alert(1))"'
        )
        expect(page.locator("#progress")).to_have_attribute("state", "idle")
        page.fill("#color-background", "#0000ff")
        expect(page.locator("#color-background")).to_have_attribute("aria-invalid", "false")
        show_frame(page, 30)
        assert near(preview_pixel(page, BACKGROUND_SAMPLE), (0, 0, 255))
        assert recorded_jobs(jobs_dir) == []

    def test_render_request_carries_the_choice(self, demo_server: ServerProcess, page: Page, jobs_dir: Path) -> None:
        """The request has the preset as templateId and only the changed controls as template; the server renders
        that preset with those changes."""
        open_demo(page, demo_server)
        pick_preset(page, "bold")
        page.fill("#color-accent", "hotpink")
        page.select_option("#layout-outro", "minimal")
        with page.expect_request("**/render-stream?*") as opened:
            page.click("#render")
        expect(page.locator("#progress")).to_have_attribute("state", "complete", timeout=FAKE_RENDER_SECONDS * 1000)
        request = sent_request(opened.value.url)
        assert request["templateId"] == "bold"
        assert request["template"] == {"global": {"colors": {"accent": "hotpink"}}, "outro": {"layout": "minimal"}}
        assert request["data"] == load_recap("one-book")["data"]
        [job] = recorded_jobs(jobs_dir)
        template = job["inputProps"]["template"]
        bold = preset("bold")["template"]
        assert template["global"]["colors"]["accent"] == "hotpink"
        assert template["global"]["colors"]["background"] == bold["global"]["colors"]["background"]
        assert template["outro"]["layout"] == "minimal"
        assert template["bookReveal"]["layout"] == bold["bookReveal"]["layout"]

    def test_without_presets_or_preview_the_page_still_renders(
        self, demo_server: ServerProcess, page: Page, jobs_dir: Path
    ) -> None:
        """When /templates and the preview script fail, the page says so and renders without a template."""
        page.route("**/templates", lambda route: route.fulfill(status=500, json={"error": "broken"}))
        page.route("**/preview/player.js", lambda route: route.fulfill(status=404, json={"error": "missing"}))
        page.goto(f"{demo_server.base_url}/")
        expect(page.locator("#presets-status")).to_contain_text("The presets could not be loaded (HTTP 500)")
        expect(page.locator("#preview-status")).to_have_text(
            "The preview is not available (preview/player.js: HTTP 404)."
        )
        expect(page.locator("#render")).to_be_enabled()
        expect(page.locator("#request")).to_have_value(re.compile('"monthName": "October"'))
        with page.expect_request("**/render-stream?*") as opened:
            page.click("#render")
        expect(page.locator("#progress")).to_have_attribute("state", "complete", timeout=FAKE_RENDER_SECONDS * 1000)
        assert sent_request(opened.value.url) == load_recap("one-book")
        [job] = recorded_jobs(jobs_dir)
        assert "templateId" not in job["inputProps"]

    def test_thumbnails_show_once_built(
        self, server_factory: Callable[..., ServerProcess], remotion_bundle: Path, tmp_path: Path, page: Page
    ) -> None:
        """Thumbnails the server is still building (503 with Retry-After) appear on the page once they are built."""
        gate = tmp_path / "stills-gate"
        gate.mkdir()
        bundles = bundle_dir_holding(remotion_bundle, tmp_path / "bundles")
        server = server_factory("ok", BUNDLE_DIR=str(bundles), FAKE_DRIVER_STILLS_GATE=str(gate))
        open_demo(page, server)
        images = "Array.from(document.querySelectorAll('#presets img'))"
        page.wait_for_function(f"{images}.length > 0 && {images}.every((img) => img.complete && !img.naturalWidth)")
        (gate / "stills").touch()
        page.wait_for_function(f"{images}.every((img) => img.complete && img.naturalWidth === 270)", timeout=60_000)

    def test_layout_controls_list_the_composition_layouts(self, demo_server: ServerProcess, page: Page) -> None:
        """Each scene's layout control offers exactly the layouts the composition knows (RecapPreview.layouts)."""
        open_demo(page, demo_server)
        offered = page.evaluate(
            """() => Object.fromEntries(Array.from(document.querySelectorAll('select[data-scene]'),
                (select) => [select.dataset.scene, Array.from(select.options, (option) => option.value)]))"""
        )
        known = page.evaluate("() => window.RecapPreview.layouts")
        assert offered == known
        assert set(known) == {"intro", "bookReveal", "statsReveal", "comingSoon", "outro"}


@pytest.fixture(scope="module")
def render_server(
    remotion_bundle: Path, cover_server: CoverServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """The server with the real driver and the real bundle, allowed to fetch the covers from 127.0.0.1."""
    workdir = tmp_path_factory.mktemp("render-server")
    server = start_server(
        workdir,
        BUNDLE_DIR=str(bundle_dir_holding(remotion_bundle, workdir / "bundles")),
        COVER_ALLOWED_NETWORKS="127.0.0.1/32",
    )
    yield server
    server.stop()


def render_on_page(page: Page, destination: Path) -> Path:
    """Click Render, wait for the server's video, and download it to `destination`."""
    page.click("#render")
    expect(page.locator("#progress")).to_have_attribute("state", "complete", timeout=REAL_RENDER_SECONDS * 1000)
    url = page.locator("#video").get_attribute("src")
    assert url is not None
    assert url.startswith(f"{page.url.rstrip('/')}/storage/videos/")
    with urllib.request.urlopen(url, timeout=60) as response:
        destination.write_bytes(response.read())
    return destination


def full_size_preview(page: Page) -> None:
    """Lay the preview box over the viewport at exactly the video's size, without the Player's controls."""
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.add_style_tag(
        content=f"#preview {{ position: fixed; left: 0; top: 0; z-index: 10; width: {WIDTH}px; height: {HEIGHT}px;"
        " border-radius: 0; }"
    )
    page.evaluate("() => window.TemplatePicker.preview.setControls(false)")


@pytest.mark.render
class TestPreviewIsTheRender:
    @pytest.mark.parametrize("preset_id", COMPARED_PRESETS)
    def test_player_frames_match_the_rendered_video(
        self,
        render_server: ServerProcess,
        cover_server: CoverServer,
        page: Page,
        artifacts: Path,
        tmp_path: Path,
        preset_id: str,
    ) -> None:
        """At three frames, the page's Player and the video the server rendered from the page's request agree within
        35 dB PSNR (and a frame of another scene does not)."""
        open_demo(page, render_server, recap_request(cover_server))
        pick_preset(page, preset_id)
        video = render_on_page(page, tmp_path / f"{preset_id}.mp4")
        page.screenshot(path=artifacts / f"preview-{preset_id}-page.png", full_page=True)
        full_size_preview(page)
        figures = {}
        for index, frame in enumerate(COMPARED_FRAMES):
            show_frame(page, frame)
            player = preview_shot(page)
            assert player.size == (WIDTH, HEIGHT)
            rendered = video_frame(video, frame)
            player.save(artifacts / f"preview-{preset_id}-{frame}-player.png")
            rendered.save(artifacts / f"preview-{preset_id}-{frame}-video.png")
            figures[str(frame)] = round(psnr(player, rendered), 2)
            other = COMPARED_FRAMES[(index + 1) % len(COMPARED_FRAMES)]
            figures[f"{frame} vs video frame {other}"] = round(psnr(player, video_frame(video, other)), 2)
        FIGURES[preset_id] = figures
        (artifacts / "preview-psnr.json").write_text(json.dumps(FIGURES, indent=2))
        print(f"PSNR {preset_id}: {figures}")
        assert all(figures[str(frame)] >= MIN_PSNR for frame in COMPARED_FRAMES), figures
        assert all(value < MIN_PSNR for key, value in figures.items() if " vs " in key), figures
