"""Faults in rendering, injected into real Remotion renders: a crashing browser, a timeout, an orphan, a stop.

Each test checks the exact terminal event, that nothing the render started is left (no node, no Chromium: every
process carrying the job's marker is gone), that no partial video is left behind, and that the server still answers.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cover_server import CoverServer
from tests.support.media import probe
from tests.support.recaps import distinct_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import Stream, open_stream, read_events, run_stream, stream_url
from tests.test_driver_render import expected_frames
from tornado_render.render.covers import USER_AGENT
from tornado_render.render.processes import pids_with_marker

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bundle directory for every server of this module: built by the first, reused by the others."""
    return tmp_path_factory.mktemp("bundles")


@pytest.fixture
def real_server(server_factory: Callable[..., ServerProcess], bundle_dir: Path) -> Callable[..., ServerProcess]:
    def start(**env: str) -> ServerProcess:
        return server_factory(None, BUNDLE_DIR=str(bundle_dir), **env)

    return start


def read_until_rendering(server: ServerProcess, recap: dict) -> tuple[Stream, str]:
    """Open a stream, read until the render is under way (progress 30); returns it and the job's process marker."""
    stream = open_stream(server.port, stream_url(recap), timeout=300)
    read_events(stream, count=31)
    assert stream.progress == list(range(31))
    return stream, server.wait_for_log("driver_started")["marker"]


def assert_aftermath(server: ServerProcess, marker: str) -> None:
    stopped = server.wait_for_log("driver_stopped")
    assert stopped["processes_left"] == 0
    assert pids_with_marker(marker) == []
    assert list(server.output_dir.glob("*.mp4")) == []
    assert server.process.poll() is not None or server.get_json("/health")[0] == 200


class TestRenderFaults:
    def test_browser_crash(self, real_server: Callable[..., ServerProcess]) -> None:
        """Chromium killed mid-render: the job ends in "Render failed: ..." and nothing is left running."""
        server = real_server(RENDER_TIMEOUT_SECONDS="180")
        stream, marker = read_until_rendering(server, distinct_recap("one-book", "Crash"))
        browsers = [pid for pid in pids_with_marker(marker) if "chrom" in os.path.realpath(f"/proc/{pid}/exe")]
        assert browsers, "the render's Chromium was not found"
        killed_at = time.monotonic()
        for pid in browsers:
            os.kill(pid, signal.SIGKILL)
        read_events(stream)
        error = stream.events[-1]
        assert error.name == "error"
        assert error.data["message"] == "Render failed: the video could not be rendered"
        logged = server.wait_for_log(lambda line: line.get("event") == "error" and line.get("phase") == "rendering")
        assert logged["reason"] == "Render failed: the browser closed unexpectedly (it crashed or was killed)"
        print(f"browser crash -> error event in {error.at - killed_at:.2f} s: {error.data['message']}")
        assert_aftermath(server, marker)

    def test_timeout(self, real_server: Callable[..., ServerProcess]) -> None:
        """A real render longer than RENDER_TIMEOUT_SECONDS is stopped with "timed out after N s"."""
        server = real_server(RENDER_TIMEOUT_SECONDS="4")
        stream = run_stream(server.port, distinct_recap("five-books", "Timeout"), timeout=300)
        assert stream.events[-1].data["message"] == "Render failed: the video took too long to render"
        assert server.wait_for_log("error")["reason"] == "Render failed: timed out after 4 s"
        marker = server.wait_for_log("driver_started")["marker"]
        assert_aftermath(server, marker)

    def test_orphan(self, real_server: Callable[..., ServerProcess]) -> None:
        """A real render whose client left is cancelled after ORPHAN_TIMEOUT_SECONDS, processes and all."""
        server = real_server(ORPHAN_TIMEOUT_SECONDS="1")
        stream, marker = read_until_rendering(server, distinct_recap("five-books", "Orphan"))
        stream.close()
        orphaned = server.wait_for_log("orphaned")
        assert orphaned["seconds"] == 1
        assert_aftermath(server, marker)

    def test_shutdown(self, real_server: Callable[..., ServerProcess]) -> None:
        """SIGTERM during a real render with a short grace period: error, exit 0, no browser left."""
        server = real_server(SHUTDOWN_GRACE_SECONDS="1")
        stream, marker = read_until_rendering(server, distinct_recap("five-books", "Stop"))
        server.process.send_signal(signal.SIGTERM)
        read_events(stream)
        assert stream.events[-1].data["message"] == "Render failed: server is shutting down"
        assert server.process.wait(60) == 0
        assert pids_with_marker(marker) == []
        assert list(server.output_dir.glob("*.mp4")) == []


class TestCoversInRealRenders:
    def test_chromium_fetches_nothing(
        self, real_server: Callable[..., ServerProcess], covers: CoverServer, tmp_path: Path
    ) -> None:
        """Covers reach the video inline: the cover server sees one request per URL, all from the server."""
        server = real_server(COVER_ALLOWED_NETWORKS="127.0.0.1/32")
        recap = distinct_recap("three-books", "Covers")
        for book, name in zip(
            recap["data"]["books"], ["piranesi.jpg", "truncated.jpg", "not-an-image.jpg"], strict=True
        ):
            book["coverUrl"] = f"{covers.url}/{name}"
        recap["data"]["currentlyReading"][0]["coverUrl"] = f"{covers.url}/frankenstein.jpg"
        recap["data"]["stats"]["topRatedBook"]["coverUrl"] = f"{covers.url}/piranesi.jpg"
        stream = run_stream(server.port, recap, timeout=300)
        assert stream.names[-1] == "complete", stream.events[-1]
        assert sorted(path for path, _ in covers.requests) == [
            "/frankenstein.jpg",
            "/not-an-image.jpg",
            "/piranesi.jpg",
            "/truncated.jpg",
        ]
        assert {agent for _, agent in covers.requests} == {USER_AGENT}
        video = server.workdir / "storage"
        [stored] = list(video.rglob("*.mp4"))
        assert probe(stored).frames == expected_frames(recap["data"])
