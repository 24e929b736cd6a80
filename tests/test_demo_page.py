"""The demo page as a newcomer meets it (issue 24), in a real headless Chromium on the real server with the real
preview (the session's bundle) and the fake driver: a broken recap is named under the preview and the preview comes
back with the next good one; an error inside the Player is caught; the text's problems are said once; a cover that
could not be used is named; with signing on, a signed link renders; and the page at phone and desktop widths.

Screenshots go to TEST_ARTIFACTS_DIR (default test-artifacts/): demo-broken-recap.png, demo-recovered.png,
demo-player-error.png, demo-bare-recap.png, demo-dropped-cover.png, demo-signed-link.png, demo-390.png and
demo-1280.png.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.support.artifacts import artifacts_dir
from tests.support.browser_pages import checked_page, launched_browser
from tests.support.cover_server import CoverServer, start_cover_server
from tests.support.preview import bundle_dir_holding
from tests.support.recaps import load_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import stream_url
from tests.support.stills import browser_executable
from tornado_render.validation.plain_words import WRAPPER_HINT
from tornado_render.web.signing import sign_target

pytestmark = pytest.mark.browser

FAKE_RENDER_SECONDS = 30
THUMBNAILS_SECONDS = 60
THUMBNAILS_SHOWN = (
    "Array.from(document.querySelectorAll('#presets img')).every((img) => img.complete && img.naturalWidth)"
)
KEY = "d" * 40


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_browser(browser_executable()) as browser:
        yield browser


@pytest.fixture(scope="session")
def artifacts() -> Path:
    return artifacts_dir()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; an uncaught JavaScript exception on it fails the test."""
    with checked_page(browser, viewport={"width": 1280, "height": 1000}) as page:
        yield page


@pytest.fixture
def demo_factory(
    server_factory: Callable[..., ServerProcess], remotion_bundle: Path, tmp_path: Path
) -> Callable[..., ServerProcess]:
    """Servers with the fake driver and the real bundle (so the real preview), covers from 127.0.0.1 allowed."""
    bundles = bundle_dir_holding(remotion_bundle, tmp_path / "bundles")

    def start(**env: str) -> ServerProcess:
        return server_factory("ok", BUNDLE_DIR=str(bundles), COVER_ALLOWED_NETWORKS="127.0.0.1/32", **env)

    return start


@pytest.fixture
def cover_server() -> Iterator[CoverServer]:
    server = start_cover_server()
    yield server
    server.close()


def open_demo(page: Page, server: ServerProcess) -> None:
    """The demo page with the sample checked and playing in the preview."""
    page.goto(f"{server.base_url}/")
    expect(page.locator("#request")).to_have_value(re.compile('"monthName": "October"'))
    expect(page.locator("figure.preview")).to_have_attribute("data-state", "playing")
    page.wait_for_function("window.TemplatePicker.preview !== null")


def type_request(page: Page, request: Any) -> None:
    page.fill("#request", json.dumps(request, indent=2))


def drawn(page: Page) -> None:
    """Wait until the preview draws a frame of what it plays now."""
    page.evaluate("() => window.TemplatePicker.preview.showFrame(20)")


class TestBrokenRecap:
    def test_named_under_the_preview_and_recovered(
        self, demo_factory: Callable[..., ServerProcess], page: Page, artifacts: Path
    ) -> None:
        """A book without a title is named in the caption in plain words (Render waits); a good sample plays again."""
        server = demo_factory()
        open_demo(page, server)
        broken = load_recap("three-books")
        del broken["data"]["books"][0]["title"]
        type_request(page, broken)
        caption = page.locator("#preview-status")
        expect(caption).to_contain_text("Book 1: the title is missing")
        expect(page.locator("figure.preview")).to_have_attribute("data-state", "invalid")
        expect(page.locator("#render")).to_be_disabled()
        expect(page.locator("#error")).to_be_hidden()
        expect(page.locator("[data-preview-error]")).to_have_count(0)
        page.screenshot(path=artifacts / "demo-broken-recap.png", full_page=True)
        page.select_option("#sample", "five-books")
        expect(page.locator("figure.preview")).to_have_attribute("data-state", "playing")
        expect(caption).to_have_text(re.compile(r"^Preview: \d+\.\d s \(\d+ frames\)$"))
        expect(page.locator("#render")).to_be_enabled()
        drawn(page)
        page.screenshot(path=artifacts / "demo-recovered.png", full_page=True)

    def test_bare_recap_gets_the_wrapper_hint(
        self, demo_factory: Callable[..., ServerProcess], page: Page, artifacts: Path
    ) -> None:
        """A recap pasted without {userId, data} is told about the wrapper, once, under the preview."""
        server = demo_factory()
        open_demo(page, server)
        type_request(page, load_recap("one-book")["data"])
        expect(page.locator("#preview-status")).to_contain_text(WRAPPER_HINT)
        assert page.locator("body").inner_text().count(WRAPPER_HINT) == 1
        page.screenshot(path=artifacts / "demo-bare-recap.png", full_page=True)


class TestPlayerError:
    def test_caught_and_recovered(
        self, demo_factory: Callable[..., ServerProcess], page: Page, artifacts: Path
    ) -> None:
        """A recap that makes the composition throw (handed to the preview unchecked) shows the error in the box,
        never a black picture, and the next good recap plays."""
        server = demo_factory()
        open_demo(page, server)
        broken = load_recap("three-books")["data"]
        del broken["books"][0]["title"]
        page.evaluate("(recap) => window.TemplatePicker.setRecap(recap)", broken)
        expect(page.locator("[data-preview-error]")).to_contain_text("The preview cannot draw this recap")
        expect(page.locator("figure.preview")).to_have_attribute("data-state", "failed")
        expect(page.locator("#preview-status")).to_contain_text("The preview cannot draw this recap")
        page.screenshot(path=artifacts / "demo-player-error.png", full_page=True)
        page.evaluate("(recap) => window.TemplatePicker.setRecap(recap)", load_recap("one-book")["data"])
        expect(page.locator("[data-preview-error]")).to_have_count(0)
        expect(page.locator("figure.preview")).to_have_attribute("data-state", "playing")
        drawn(page)
        assert page.evaluate("window.TemplatePicker.preview.error") is None


class TestDroppedCover:
    def test_named_before_and_after_the_render(
        self, demo_factory: Callable[..., ServerProcess], page: Page, cover_server: CoverServer, artifacts: Path
    ) -> None:
        """A cover that 404s is named (book and reason) with the finished render."""
        server = demo_factory()
        open_demo(page, server)
        request = load_recap("one-book")
        request["data"]["books"][0]["coverUrl"] = f"{cover_server.url}/missing.jpg"
        type_request(page, request)
        expect(page.locator("figure.preview")).to_have_attribute("data-state", "playing")
        page.click("#render")
        expect(page.locator("#progress")).to_have_attribute("state", "complete", timeout=FAKE_RENDER_SECONDS * 1000)
        title = request["data"]["books"][0]["title"]
        expect(page.locator("#warnings")).to_contain_text(
            f'Book 1 ("{title}"): its cover could not be used (the server answered HTTP 404)'
        )
        page.screenshot(path=artifacts / "demo-dropped-cover.png", full_page=True)


class TestSigningOn:
    def test_a_signed_link_renders(
        self, demo_factory: Callable[..., ServerProcess], page: Page, artifacts: Path
    ) -> None:
        """With RENDER_SIGNING_KEYS, the page offers a place for a signed link; the link's request is shown, previewed
        and rendered."""
        server = demo_factory(RENDER_SIGNING_KEYS=KEY)
        page.goto(f"{server.base_url}/")
        expect(page.locator("#signing")).to_have_attribute("open", "")
        request = load_recap("three-books")
        link = server.base_url + sign_target(KEY.encode(), "GET", stream_url(request))
        page.fill("#signed-link", link)
        expect(page.locator("#request")).to_have_value(re.compile('"userId"'))
        assert json.loads(page.locator("#request").input_value()) == request
        expect(page.locator("#signed-status")).to_contain_text("Render uses this link")
        page.click("#render")
        expect(page.locator("#progress")).to_have_attribute("state", "complete", timeout=FAKE_RENDER_SECONDS * 1000)
        expect(page.locator("#result")).to_be_visible()
        page.screenshot(path=artifacts / "demo-signed-link.png", full_page=True)


class TestLayout:
    @pytest.mark.parametrize("width", [390, 1280])
    def test_widths(
        self, demo_factory: Callable[..., ServerProcess], browser: Browser, artifacts: Path, width: int
    ) -> None:
        """At 390 px the preview comes first and the form below it; at 1280 px they sit side by side; nothing
        overflows sideways."""
        server = demo_factory()
        with checked_page(browser, viewport={"width": width, "height": 900}) as page:
            open_demo(page, server)
            with contextlib.suppress(PlaywrightTimeoutError):
                # For the screenshot only: thumbnails are stills the server renders after its start (a busy machine
                # may take longer); the layout is checked either way.
                page.wait_for_function(THUMBNAILS_SHOWN, timeout=THUMBNAILS_SECONDS * 1000)
            drawn(page)
            stage = page.locator(".stage").bounding_box()
            form = page.locator("#form").bounding_box()
            assert stage is not None
            assert form is not None
            wide = page.evaluate(
                "(width) => Array.from(document.querySelectorAll('body *'))"
                ".filter((element) => element.getBoundingClientRect().right > width)"
                ".map((element) => `${element.tagName}#${element.id}.${element.className}`)",
                width,
            )
            assert wide == []
            if width < 600:
                assert form["y"] >= stage["y"] + stage["height"]
            else:
                assert form["x"] + form["width"] <= stage["x"]
                assert abs(form["y"] - stage["y"]) < 40
            page.screenshot(path=artifacts / f"demo-{width}.png", full_page=True)
