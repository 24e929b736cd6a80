"""Inputs from the internet: generated malformed requests, very long URLs."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.recaps import load_recap
from tests.support.server import ServerProcess, start_server
from tests.support.sse_client import run_stream, stream_url
from tornado_render.validation.css_colors import is_css_color


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(tmp_path_factory.mktemp("hostile"), fake_driver="ok")
    yield process
    process.stop()


def set_path(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()
not_integers = st.one_of(
    st.text(max_size=5),
    st.floats(0.1, 0.9),
    st.just(float("nan")),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)
PRESETS = ("default", "bold", "light", "minimal")
not_colors = st.text(max_size=70).filter(lambda text: not is_css_color(text))
not_frames = st.one_of(st.integers(max_value=0), st.integers(min_value=601), not_integers)
not_families = st.text(max_size=30).filter(lambda text: text not in ("Fraunces", "Inter", "JetBrains Mono"))
not_layouts = st.one_of(
    st.text(max_size=12).filter(lambda text: text not in ("sequential", "grid", "carousel")), st.none()
)
# (path in a three-books recap, values that are never valid there)
BAD_VALUES: list[tuple[tuple[Any, ...], st.SearchStrategy[Any]]] = [
    (("userId",), st.one_of(st.just(""), st.text(" \t", min_size=1), st.integers(), st.none())),
    (("userId",), st.text(string.ascii_letters, min_size=1, max_size=5).map(lambda s: s + "/" + s)),
    (("userId",), st.text(string.ascii_letters, max_size=5).map(lambda s: s + ".." + s)),
    (("userId",), st.text(min_size=129, max_size=200)),
    (("data",), st.one_of(st.none(), st.integers(), st.text(), st.lists(st.integers()), st.just(_DELETE))),
    (("data", "meta"), st.one_of(st.none(), st.text(), st.just(_DELETE))),
    (("data", "meta", "month"), st.one_of(st.integers(max_value=0), st.integers(min_value=13), not_integers)),
    (("data", "meta", "year"), st.one_of(st.integers(max_value=999), st.integers(min_value=10000), st.text())),
    (("data", "books"), st.one_of(st.none(), st.text(), st.dictionaries(st.text(), st.integers()), st.just(_DELETE))),
    (("data", "books", 0, "status"), st.text().filter(lambda s: s not in ("COMPLETED", "DNF"))),
    (("data", "books", 0, "title"), st.one_of(st.none(), st.integers(), st.text(min_size=501, max_size=600))),
    (("data", "books", 1, "authors"), st.one_of(st.text(), st.lists(st.integers(), min_size=1), st.none())),
    (
        ("data", "books", 0, "rating", "plot"),
        st.one_of(st.integers(max_value=0), st.integers(min_value=11), st.text(min_size=1)),
    ),
    (("data", "books", 2, "pageCount"), st.one_of(st.integers(max_value=-1), st.text(min_size=1), st.floats(0.1, 0.9))),
    (("data", "currentlyReading", 0, "progress"), st.one_of(st.floats(100.01, 1e9), st.floats(-1e9, -0.01), st.text())),
    (("data", "stats"), st.one_of(st.none(), st.lists(st.integers()), st.just(_DELETE))),
    (("data", "stats", "totalPages"), st.one_of(st.integers(max_value=-1), st.booleans(), st.text())),
    (("data", "stats", "averageRating"), st.one_of(st.floats(10.01, 1e6), st.text(min_size=1))),
    # Templates: not an object, a preset that does not exist, and one bad field among good ones.
    (("template",), st.one_of(st.integers(), st.text(), st.lists(st.integers()), st.booleans())),
    (("templateId",), st.one_of(st.text().filter(lambda s: s not in PRESETS), st.integers(), st.booleans())),
    (("template",), st.builds(lambda color: {"global": {"colors": {"accent": color}}}, not_colors)),
    (("template",), st.builds(lambda frames: {"global": {"timing": {"bookHold": frames}}}, not_frames)),
    (("template",), st.builds(lambda family: {"global": {"fonts": {"body": family}}}, not_families)),
    (
        ("template",),
        st.builds(lambda layout: {"bookReveal": {"layout": layout}, "intro": {"showYear": False}}, not_layouts),
    ),
    (("template",), st.builds(lambda text: {"outro": {"customText": text}}, st.text(min_size=201, max_size=300))),
    (
        ("template",),
        st.builds(
            lambda count: {"comingSoon": {"maxBooks": count}},
            st.one_of(st.integers(7), st.integers(max_value=-1), not_integers),
        ),
    ),
]


@st.composite
def malformed_requests(draw: st.DrawFn) -> tuple[str, str, bytes | None]:
    """(method, path, body) of a request that must be refused with a 4xx."""
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "not-json", "not-object", "raw-bytes"]))
    if kind == "mutated":
        path, values = draw(st.sampled_from(BAD_VALUES))
        payload: Any = set_path(load_recap("three-books"), path, draw(values))
        text = json.dumps(payload)
    elif kind == "not-json":
        text = draw(st.text(max_size=50).filter(lambda t: not _is_json(t)))
    elif kind == "not-object":
        text = json.dumps(draw(st.one_of(st.integers(), st.text(), st.lists(st.integers()), st.none())))
    else:
        raw = draw(st.binary(max_size=40))
        return "GET", "/render-stream?data=" + quote(raw, safe=""), None
    if draw(st.booleans()):
        return "POST", "/render", text.encode("utf-8", "surrogatepass")
    return "GET", "/render-stream?data=" + quote(text.encode("utf-8", "surrogatepass"), safe=""), None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class TestFuzz:
    @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(request=malformed_requests())
    def test_malformed_requests_get_4xx_json(
        self, server: ServerProcess, request: tuple[str, str, bytes | None]
    ) -> None:
        """Every generated malformed request is answered with a 4xx JSON error; nothing starts rendering."""
        method, path, body = request
        status, headers, answer = server.request(method, path, body, timeout=10)
        assert 400 <= status < 500, (status, answer[:300])
        assert headers["content-type"].startswith("application/json")
        assert isinstance(json.loads(answer)["error"], str)
        assert b"Traceback" not in answer

    def test_server_is_still_up_and_rendered_nothing(self, server: ServerProcess) -> None:
        """After the fuzzing the server answers /health and never created a job."""
        status, body = server.get_json("/health")
        assert (status, body["status"]) == (200, "ok")
        assert server.logs("validated") == []
        assert not any(line.get("level") == "error" for line in server.logs())


def long_recap(target_url_bytes: int) -> dict[str, Any]:
    """A valid recap whose /render-stream URL is close to `target_url_bytes` (50 books with long author lists)."""
    recap = load_recap("one-book")
    template = recap["data"]["books"][0]
    books = []
    for index in range(50):
        book = json.loads(json.dumps(template))
        book["id"] = f"bk-{index}"
        book["title"] = "T" * 480
        book["authors"] = ["A" * 190 for _ in range(50)]
        books.append(book)
    recap["data"]["books"] = books
    while len(stream_url(recap)) > target_url_bytes:
        for book in recap["data"]["books"]:
            book["authors"].pop()
    return recap


class TestLongUrls:
    def test_half_megabyte_url_works(self, server: ServerProcess) -> None:
        """A request whose URL is just under 512 KiB streams normally."""
        recap = long_recap(512 * 1024 - 64)
        assert len(stream_url(recap)) > 500 * 1024
        stream = run_stream(server.port, recap)
        assert stream.status == 200
        assert stream.names[-1] == "complete"

    def test_longer_url_is_a_clear_414(self, server: ServerProcess) -> None:
        """A URL beyond 512 KiB is refused with 414 and a JSON reason, and the server stays up."""
        status, headers, body = server.request("GET", stream_url(long_recap(700 * 1024)), timeout=10)
        assert status == 414
        assert headers["content-type"].startswith("application/json")
        assert "512 KiB" in json.loads(body)["error"]
        assert server.get_json("/health")[0] == 200

    def test_huge_head_is_refused(self, server: ServerProcess) -> None:
        """Beyond twice the limit the server stops reading, answers 431 and closes the connection (a client still
        sending sees the connection reset); the server stays up."""
        try:
            status: int | None = server.request("GET", "/render-stream?data=" + "x" * (1200 * 1024), timeout=10)[0]
        except ConnectionError:
            status = None
        assert status in (431, None)
        assert server.get_json("/health")[0] == 200
