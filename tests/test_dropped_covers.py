"""Every cover that could not be used is said, naming the book and the reason: in POST /render's warnings, in the
`complete` event's, as a CLI warning line, and in POST /validate's when the URL alone tells (fake driver, covers
from a local server)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from tests.support.cover_server import CoverServer
from tests.support.recaps import load_recap
from tests.support.server import ServerProcess, fake_driver_argv
from tests.support.sse_client import run_stream
from tornado_render.render.covers import cover_warning, known_refusal

LOOPBACK = "127.0.0.1/32"


def with_bad_covers(covers: CoverServer) -> dict[str, Any]:
    """five-books with a good cover, a 404 and a file that is not an image."""
    request = load_recap("five-books")
    books = request["data"]["books"]
    for book, name in zip(books, ["piranesi.jpg", "missing.jpg", "not-an-image.jpg", None, None], strict=True):
        book["coverUrl"] = f"{covers.url}/{name}" if name else None
    for key in ("topRatedBook", "lowestRatedBook"):
        if request["data"]["stats"].get(key):
            request["data"]["stats"][key]["coverUrl"] = None
    for entry in request["data"].get("currentlyReading", []):
        entry["coverUrl"] = None
    return request


def expected(request: dict[str, Any]) -> list[str]:
    books = request["data"]["books"]
    return [
        f'Book 2 ("{books[1]["title"]}"): its cover could not be used (the server answered HTTP 404); the video'
        " shows a placeholder",
        f'Book 3 ("{books[2]["title"]}"): its cover could not be used (it is not a JPEG, PNG, WebP or GIF image that'
        " can be read); the video shows a placeholder",
    ]


class TestNamed:
    def test_post_render(self, server_factory: Callable[..., ServerProcess], covers: CoverServer) -> None:
        """POST /render's warnings name each book whose cover could not be used, and why."""
        server = server_factory("ok", COVER_ALLOWED_NETWORKS=LOOPBACK)
        request = with_bad_covers(covers)
        status, _, body = server.request("POST", "/render", request)
        assert status == 200
        assert json.loads(body)["warnings"] == expected(request)

    def test_complete_event(self, server_factory: Callable[..., ServerProcess], covers: CoverServer) -> None:
        """The stream's `complete` event carries the same warnings (a field beside the spec's)."""
        server = server_factory("ok", COVER_ALLOWED_NETWORKS=LOOPBACK)
        request = with_bad_covers(covers)
        stream = run_stream(server.port, request)
        complete = stream.events[-1]
        assert complete.name == "complete"
        assert complete.data["warnings"] == expected(request)
        assert {"filename", "s3Url"} <= set(complete.data)

    def test_cli_warning_lines(self, tmp_path: Path, covers: CoverServer) -> None:
        """The command line prints a `warning:` line for each."""
        request = with_bad_covers(covers)
        result = run_cli(
            "-",
            "-o",
            str(tmp_path / "x.mp4"),
            stdin=json.dumps(request).encode(),
            DRIVER_COMMAND=" ".join(fake_driver_argv(tmp_path / "driver", "ok", {})),
            OUTPUT_DIR=str(tmp_path / "output"),
            BUNDLE_DIR=str(tmp_path / "bundles"),
            COVER_ALLOWED_NETWORKS=LOOPBACK,
        )
        assert result.returncode == 0, result.stderr.decode()[-3000:]
        for warning in expected(request):
            assert f"tornado-render render: warning: {warning}" in result.stderr.decode()

    def test_validate_names_what_the_url_tells(self, fake_server: ServerProcess) -> None:
        """POST /validate names covers whose URL alone shows they will not be used (a private address, not HTTP)."""
        request = load_recap("one-book")
        request["data"]["books"][0]["coverUrl"] = "http://10.1.2.3/cover.jpg"
        request["data"]["stats"]["topRatedBook"]["coverUrl"] = "file:///etc/passwd"
        status, _, body = fake_server.request("POST", "/validate", request)
        title = request["data"]["books"][0]["title"]
        assert status == 200
        assert json.loads(body)["warnings"] == [
            cover_warning(f'Book 1 ("{title}")', "its address is not allowed"),
            cover_warning(f'The top-rated book ("{title}")', "only http and https URLs are fetched"),
        ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://covers.example.com/a.jpg", None),
        ("http://8.8.8.8/a.jpg", None),
        ("http://127.0.0.1/a.jpg", "its address is not allowed"),
        ("http://[::1]/a.jpg", "its address is not allowed"),
        ("ftp://example.com/a.jpg", "only http and https URLs are fetched"),
        ("not a url", "only http and https URLs are fetched"),
    ],
)
def test_known_refusal(url: str, reason: str | None) -> None:
    """What the URL alone tells: its scheme, and an address written in it; a host name is left to the fetch."""
    assert known_refusal(url, ()) == reason
