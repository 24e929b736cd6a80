"""The demo page and the <render-progress> widget in a real headless Chromium (Debian's), driven by Playwright.

Playwright's own browser download is never used: Debian's `chromium` (installed by `scripts/setup
--with-test-browsers`) is launched by path, and the tests are skipped when it is absent. Each test saves a
screenshot of the page it ends on into TEST_ARTIFACTS_DIR (default: test-artifacts/ in the project).
"""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.artifacts import artifacts_dir
from tests.support.browser_pages import checked_page, launched_browser
from tests.support.recaps import RECAP_NAMES, distinct_recap, load_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import open_stream, read_events, stream_url
from tornado_render.web.signing import sign_target

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FAKE_RENDER_SECONDS = 30
REAL_RENDER_SECONDS = 300


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Debian's chromium is not installed at {CHROMIUM} (scripts/setup --with-test-browsers installs it)"
        )
    with launched_browser(str(CHROMIUM)) as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; an uncaught JavaScript exception on it fails the test."""
    with checked_page(browser, viewport={"width": 900, "height": 1200}) as page:
        yield page


@pytest.fixture(scope="session")
def artifacts() -> Path:
    return artifacts_dir()


@dataclass
class HostSite:
    """Another origin (another port on 127.0.0.1) serving the HTML pages a test puts into `pages`."""

    httpd: http.server.ThreadingHTTPServer
    pages: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def host_site() -> Iterator[HostSite]:
    site: HostSite

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = site.pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            encoded = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    site = HostSite(httpd)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield site
    httpd.shutdown()
    httpd.server_close()


def embedding_page(server: ServerProcess, request: dict[str, Any] | str) -> str:
    """A page of another site using the widget as the README shows (no `server` attribute: the script's origin)."""
    return f"""<!doctype html>
<meta charset="utf-8">
<title>A site that embeds tornado-render</title>
<h1>Your month in books</h1>
<script src="{server.base_url}/static/render-progress.js"></script>
<render-progress id="recap"></render-progress>
<script>
  const recap = document.getElementById('recap');
  recap.addEventListener('render-complete', (e) => {{ window.outcome = {{type: 'complete', detail: e.detail}}; }});
  recap.addEventListener('render-error', (e) => {{ window.outcome = {{type: 'error', detail: e.detail}}; }});
  recap.start({json.dumps(request)});
</script>
"""


def open_demo(page: Page, server: ServerProcess) -> None:
    """The demo page, once its default sample is in the text box (the Render button is enabled then)."""
    page.goto(f"{server.base_url}/")
    expect(page.locator("#render")).to_be_enabled()
    expect(page.locator("#request")).to_have_value(re.compile('"monthName": "October"'))


def record_progress(page: Page) -> None:
    page.evaluate(
        """() => {
            window.progressSeen = [];
            document.getElementById('progress').addEventListener(
                'render-progress', (e) => window.progressSeen.push(e.detail.progress));
        }"""
    )


class TestDemoPage:
    @pytest.mark.render
    def test_real_render_end_to_end(
        self, server_factory: Callable[..., ServerProcess], page: Page, artifacts: Path
    ) -> None:
        """one-book with Remotion: the bar climbs 0..100 to "100 %", then the 14 s video loads and seeks."""
        server = server_factory(None)
        open_demo(page, server)
        record_progress(page)
        page.click("#render")
        widget = page.locator("#progress")
        expect(widget).to_have_attribute("state", "complete", timeout=REAL_RENDER_SECONDS * 1000)
        expect(page.locator("#progress .percent")).to_have_text("100 %")
        expect(page.locator("#progress [role=progressbar]")).to_have_attribute("aria-valuenow", "100")
        assert page.evaluate("window.progressSeen") == list(range(101))
        video = page.locator("#video")
        expect(video).to_have_attribute("src", re.compile(rf"^{re.escape(server.base_url)}/storage/videos/user-789/"))
        page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=60_000)
        assert page.evaluate("document.getElementById('video').duration") == pytest.approx(14, abs=0.1)
        page.evaluate("document.getElementById('video').currentTime = 4")
        page.wait_for_function("(v => !v.seeking && v.readyState >= 2)(document.getElementById('video'))")
        expect(page.locator("#error")).to_be_hidden()
        for name, size in (("poster", [1080, 1920]), ("card", [1200, 630])):
            expect(page.locator(f"#{name}-figure")).to_be_visible()
            page.wait_for_function(f"document.getElementById('{name}').complete")
            assert page.evaluate(f"(i => [i.naturalWidth, i.naturalHeight])(document.getElementById('{name}'))") == size
        expect(page.locator("#share-link")).to_have_value(re.compile(rf"^{re.escape(server.base_url)}/share/[\w-]+$"))
        page.screenshot(path=artifacts / "demo-complete.png", full_page=True)
        page.goto(page.input_value("#share-link"))
        page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=60_000)
        expect(page.locator("video")).to_have_attribute("poster", re.compile(r"/poster\.jpg$"))
        page.screenshot(path=artifacts / "share-page-real-render.png", full_page=True)

    def test_formats_ticked_are_asked_for_and_shown(self, fake_server: ServerProcess, page: Page) -> None:
        """The shapes ticked go into the request as `formats`; the finished render lists a link to each."""
        open_demo(page, fake_server)
        page.check("input[name=format][value=square]")
        page.click("#render")
        expect(page.locator("#progress")).to_have_attribute("state", "complete", timeout=30_000)
        expect(page.locator("#shapes a")).to_have_count(1)
        expect(page.locator("#shapes a")).to_have_attribute("href", re.compile(r"-square\.mp4"))
        expect(page.locator("#share-link")).to_have_value(re.compile(r"/share/"))

    def test_render_error_in_words(
        self, server_factory: Callable[..., ServerProcess], page: Page, artifacts: Path
    ) -> None:
        """A render that fails shows the server's message under the bar, and the page can be used again."""
        server = server_factory("error")
        open_demo(page, server)
        page.click("#render")
        expect(page.locator("#progress")).to_have_attribute("state", "error", timeout=FAKE_RENDER_SECONDS * 1000)
        expect(page.locator("#progress .status")).to_have_text("Render failed: the video could not be rendered")
        # Said once: the widget's status line, not again in the page's box.
        expect(page.locator("#error")).to_be_hidden()
        expect(page.locator("#result")).to_be_hidden()
        expect(page.locator("#render")).to_be_enabled()
        page.screenshot(path=artifacts / "demo-error.png", full_page=True)

    def test_refused_request_waits_for_a_fix(
        self, server_factory: Callable[..., ServerProcess], page: Page, artifacts: Path
    ) -> None:
        """A request the server would refuse (400) is not sent: Render waits, and the reason is said once, in plain
        words, under the preview (not in the page's error box nor the widget)."""
        server = server_factory("ok")
        open_demo(page, server)
        page.fill("#request", json.dumps({"userId": "", "data": load_recap("one-book")["data"]}))
        expect(page.locator("#preview-status")).to_contain_text("The userId must be a non-empty string")
        expect(page.locator("#render")).to_be_disabled()
        expect(page.locator("#error")).to_be_hidden()
        expect(page.locator("#progress")).to_have_attribute("state", "idle")
        page.screenshot(path=artifacts / "demo-invalid-request.png", full_page=True)

    def test_text_that_is_not_json(self, fake_server: ServerProcess, page: Page) -> None:
        """Text that is not JSON is refused on the page, before anything is sent."""
        open_demo(page, fake_server)
        page.fill("#request", "{not json")
        expect(page.locator("#preview-status")).to_contain_text("The text is not valid JSON")
        expect(page.locator("#render")).to_be_disabled()
        expect(page.locator("#progress")).to_have_attribute("state", "idle")

    @pytest.mark.parametrize("name", RECAP_NAMES)
    def test_samples_fill_the_text_box(self, fake_server: ServerProcess, page: Page, name: str) -> None:
        """Each fixture recap can be picked from the list and lands in the text box unchanged."""
        open_demo(page, fake_server)
        page.select_option("#sample", name)
        page.wait_for_function(
            """(want) => {
                try {
                    const shown = JSON.parse(document.getElementById('request').value);
                    return JSON.stringify(shown) === JSON.stringify(want);
                } catch (error) {
                    return false;
                }
            }""",
            arg=load_recap(name),
        )

    def test_queued_shows_position(
        self, server_factory: Callable[..., ServerProcess], page: Page, artifacts: Path, tmp_path: Path
    ) -> None:
        """While the only render slot is busy, the page says "Waiting, position 1", then renders when it frees."""
        gate = tmp_path / "gate"
        gate.mkdir()
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate), MAX_CONCURRENT_RENDERS="1")
        blocker = open_stream(server.port, stream_url(distinct_recap("one-book", "Blocker")))
        read_events(blocker, count=1)
        open_demo(page, server)
        page.click("#render")
        expect(page.locator("#progress .status")).to_have_text("Waiting, position 1")
        expect(page.locator("#progress")).to_have_attribute("state", "queued")
        page.screenshot(path=artifacts / "demo-queued.png", full_page=True)
        (gate / "Blocker").touch()
        (gate / "October").touch()
        expect(page.locator("#progress")).to_have_attribute("state", "complete", timeout=FAKE_RENDER_SECONDS * 1000)
        read_events(blocker)
        assert blocker.names[-1] == "complete"


class TestWidgetOnAnotherSite:
    def test_render_complete_across_origins(
        self, server_factory: Callable[..., ServerProcess], host_site: HostSite, page: Page, artifacts: Path
    ) -> None:
        """With the host's origin in CORS_ORIGINS, the widget renders and fires render-complete; ranges are readable."""
        server = server_factory("ok", CORS_ORIGINS=host_site.origin)
        host_site.pages["/"] = embedding_page(server, load_recap("one-book"))
        page.goto(f"{host_site.origin}/")
        page.wait_for_function("window.outcome !== undefined", timeout=FAKE_RENDER_SECONDS * 1000)
        outcome = page.evaluate("window.outcome")
        assert outcome["type"] == "complete", outcome
        assert outcome["detail"]["filename"].startswith("recap-2026-10-")
        assert outcome["detail"]["s3Url"].startswith(f"{server.base_url}/storage/videos/user-789/")
        expect(page.locator("#recap .percent")).to_have_text("100 %")
        ranged = page.evaluate(
            """async (url) => {
                const response = await fetch(url, {headers: {Range: 'bytes=0-15'}});
                return [response.status, response.headers.get('Content-Range'), response.headers.get('Accept-Ranges')];
            }""",
            outcome["detail"]["s3Url"],
        )
        assert ranged[0] == 206
        assert ranged[1].startswith("bytes 0-15/")
        assert ranged[2] == "bytes"
        page.screenshot(path=artifacts / "widget-cross-origin.png", full_page=True)

    def test_autostart_from_attributes(
        self, server_factory: Callable[..., ServerProcess], host_site: HostSite, page: Page
    ) -> None:
        """With `autostart` and the request as a JSON attribute, the element renders with no script of the host's."""
        server = server_factory("ok", CORS_ORIGINS="*")
        request = json.dumps(load_recap("empty-month")).replace("&", "&amp;").replace("'", "&#39;")
        host_site.pages["/"] = f"""<!doctype html>
<meta charset="utf-8">
<script src="{server.base_url}/static/render-progress.js"></script>
<render-progress autostart request='{request}'></render-progress>
"""
        page.goto(f"{host_site.origin}/")
        expect(page.locator("render-progress")).to_have_attribute(
            "state", "complete", timeout=FAKE_RENDER_SECONDS * 1000
        )
        expect(page.locator("render-progress .status")).to_have_text("Done")

    def test_refused_without_cors(
        self, server_factory: Callable[..., ServerProcess], host_site: HostSite, page: Page, artifacts: Path
    ) -> None:
        """Without CORS_ORIGINS the browser withholds the stream from the other site: render-error says why."""
        server = server_factory("ok")
        host_site.pages["/"] = embedding_page(server, load_recap("one-book"))
        page.goto(f"{host_site.origin}/")
        page.wait_for_function("window.outcome !== undefined", timeout=60_000)
        outcome = page.evaluate("window.outcome")
        assert outcome["type"] == "error", outcome
        assert f"Could not reach the render server at {server.base_url}" in outcome["detail"]["message"]
        assert "CORS_ORIGINS" in outcome["detail"]["message"]
        expect(page.locator("#recap")).to_have_attribute("state", "error")
        # The request did reach the server (CORS is the browser's rule, not access control): the answer was withheld.
        server.wait_for_log("validated")
        page.screenshot(path=artifacts / "widget-cors-refused.png", full_page=True)


class TestProgressWords:
    def test_says_what_is_happening(self, fake_server: ServerProcess, page: Page) -> None:
        """The status line says "Starting the browser" once the bundle is ready (25 %), then "Rendering", with the
        elapsed time beside it; the events keep the spec's phases."""
        open_demo(page, fake_server)
        page.evaluate(
            """() => {
                const widget = document.getElementById('progress');
                window.wordsSeen = [];
                window.phasesSeen = [];
                new MutationObserver(() => window.wordsSeen.push(
                    widget.shadowRoot.querySelector('.status').textContent + ' | ' +
                    widget.shadowRoot.querySelector('.time').textContent)
                ).observe(widget.shadowRoot, {subtree: true, childList: true, characterData: true});
                widget.addEventListener('render-progress', (e) => window.phasesSeen.push(e.detail));
            }"""
        )
        page.click("#render")
        expect(page.locator("#progress")).to_have_attribute("state", "complete", timeout=FAKE_RENDER_SECONDS * 1000)
        words = page.evaluate("window.wordsSeen")
        statuses = {line.split(" | ")[0] for line in words}
        assert {"Starting the browser", "Rendering"} <= statuses, statuses
        assert not any(status.startswith("Bundling") for status in statuses)
        assert any(re.search(r"\| \d+:\d\d elapsed", line) for line in words), words
        phases = page.evaluate("window.phasesSeen")
        assert [step["progress"] for step in phases] == list(range(101))
        assert all(step["phase"] == ("bundling" if step["progress"] <= 25 else "rendering") for step in phases)
        expect(page.locator("#progress .time")).to_have_text(re.compile(r"^took \d+:\d\d$"))


class TestRefusedWidget:
    def test_a_400_in_plain_words(
        self, server_factory: Callable[..., ServerProcess], host_site: HostSite, page: Page, artifacts: Path
    ) -> None:
        """A request the server refuses (400) is told by the widget in the server's plain sentences, hint first,
        although EventSource itself gives no reason."""
        server = server_factory("ok", CORS_ORIGINS=host_site.origin)
        host_site.pages["/bare"] = embedding_page(server, load_recap("one-book")["data"])
        page.goto(f"{host_site.origin}/bare")
        page.wait_for_function("window.outcome !== undefined", timeout=FAKE_RENDER_SECONDS * 1000)
        message = page.evaluate("window.outcome")["detail"]["message"]
        assert message.startswith("The render server refused this request. This looks like a recap sent on its own")
        assert "The userId is missing." in message
        expect(page.locator("#recap .status")).to_have_text(message)
        page.screenshot(path=artifacts / "widget-refused-400.png", full_page=True)


class TestSignedWidget:
    KEY = "b" * 40

    def test_signed_url_renders_and_an_expired_one_is_explained(
        self, server_factory: Callable[..., ServerProcess], host_site: HostSite, page: Page, artifacts: Path
    ) -> None:
        """With RENDER_SIGNING_KEYS, a URL the backend signed renders; an expired one ends in a clear message."""
        server = server_factory("ok", CORS_ORIGINS=host_site.origin, RENDER_SIGNING_KEYS=self.KEY)
        target = stream_url(load_recap("one-book"))
        host_site.pages["/signed"] = embedding_page(server, sign_target(self.KEY.encode(), "GET", target))
        page.goto(f"{host_site.origin}/signed")
        page.wait_for_function("window.outcome !== undefined", timeout=FAKE_RENDER_SECONDS * 1000)
        assert page.evaluate("window.outcome")["type"] == "complete"
        expired = sign_target(self.KEY.encode(), "GET", target, expires_in=-10)
        host_site.pages["/expired"] = embedding_page(server, expired)
        page.goto(f"{host_site.origin}/expired")
        page.wait_for_function("window.outcome !== undefined", timeout=60_000)
        outcome = page.evaluate("window.outcome")
        assert outcome["type"] == "error", outcome
        assert outcome["detail"]["message"] == (
            "The render server refused this request (signature expired): the page needs a freshly signed link"
        )
        expect(page.locator("#recap .status")).to_have_text(outcome["detail"]["message"])
        page.screenshot(path=artifacts / "widget-signature-expired.png", full_page=True)
