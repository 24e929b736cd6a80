"""CORS: the pure header rules (cors.py), the CORS_ORIGINS setting, and the headers a real server sends."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.recaps import load_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import open_stream, read_events, run_stream, stream_url
from tornado_render.setting_values import parse_origins
from tornado_render.settings import SettingsError, settings_from_env
from tornado_render.web import cors

SITE = "http://app.example"
OTHER_SITE = "https://other.example:8443"
STRANGER = "http://stranger.example"


class TestParseOrigins:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("", frozenset()),
            (" , ", frozenset()),
            ("*", frozenset({"*"})),
            ("https://Example.COM/", frozenset({"https://example.com"})),
            ("http://a.example, https://b.example:8443", frozenset({"http://a.example", "https://b.example:8443"})),
            ("http://127.0.0.1:8080,*", frozenset({"http://127.0.0.1:8080", "*"})),
        ],
    )
    def test_accepted(self, value: str, expected: frozenset[str]) -> None:
        """Entries are trimmed, lower-cased and stripped of a trailing slash; empty entries are ignored."""
        assert parse_origins(value) == expected

    @pytest.mark.parametrize(
        "value", ["example.com", "https://example.com/app", "ftp://example.com", "https://", "a,b"]
    )
    def test_not_an_origin(self, value: str) -> None:
        """Anything but scheme://host[:port] (a path, no scheme, another scheme) is refused, quoting the entry."""
        with pytest.raises(ValueError, match="is not an origin"):
            parse_origins(value)

    def test_setting_names_the_variable(self) -> None:
        """A bad CORS_ORIGINS stops the configuration with a message naming the variable."""
        with pytest.raises(SettingsError, match="CORS_ORIGINS="):
            settings_from_env({"CORS_ORIGINS": "example.com"})

    def test_setting_default_is_off(self) -> None:
        """By default no origin is allowed."""
        assert settings_from_env({}).cors_origins == frozenset()


class TestHeaderRules:
    @pytest.mark.parametrize(
        ("origin", "allowed", "expected"),
        [
            (SITE, frozenset(), {}),
            (None, frozenset({SITE}), {"Vary": "Origin"}),
            (STRANGER, frozenset({SITE}), {"Vary": "Origin"}),
            (
                SITE,
                frozenset({SITE}),
                {
                    "Vary": "Origin",
                    "Access-Control-Allow-Origin": SITE,
                    "Access-Control-Expose-Headers": cors.EXPOSE_HEADERS,
                },
            ),
            (
                STRANGER,
                frozenset({"*"}),
                {
                    "Vary": "Origin",
                    "Access-Control-Allow-Origin": "*",
                    "Access-Control-Expose-Headers": cors.EXPOSE_HEADERS,
                },
            ),
        ],
    )
    def test_response_headers(self, origin: str | None, allowed: frozenset[str], expected: dict[str, str]) -> None:
        """Off: nothing. On: always Vary: Origin; the grant only for an allowed origin (echoed) or `*`."""
        assert cors.response_headers(origin, allowed) == expected

    def test_origin_compared_case_insensitively(self) -> None:
        """Origins are case-insensitive in scheme and host; the browser's own spelling is echoed back."""
        assert cors.allowed_origin("HTTP://App.Example", frozenset({SITE})) == "HTTP://App.Example"

    def test_preflight_only_for_allowed(self) -> None:
        """A preflight from a refused origin gets no Allow-Methods/Headers, so the browser stops there."""
        assert cors.preflight_headers(STRANGER, frozenset({SITE}), "POST, OPTIONS") == {}
        granted = cors.preflight_headers(SITE, frozenset({SITE}), "POST, OPTIONS")
        assert granted["Access-Control-Allow-Methods"] == "POST, OPTIONS"
        assert {"Content-Type", "Last-Event-ID"} <= set(granted["Access-Control-Allow-Headers"].split(", "))


def cors_headers(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.startswith("access-control-")}


def split(value: str) -> set[str]:
    return {part.strip() for part in value.split(",")}


@pytest.fixture
def cors_server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    """A fake-driver server that lets two sites in."""
    return server_factory("ok", CORS_ORIGINS=f"{SITE}, {OTHER_SITE}")


class TestServerWithoutCors:
    def test_no_cors_headers(self, fake_server: ServerProcess) -> None:
        """Without CORS_ORIGINS, no answer carries CORS headers or Vary, whatever the Origin."""
        stream = run_stream(fake_server.port, load_recap("one-book"), headers={"Origin": SITE})
        assert stream.names[-1] == "complete"
        assert cors_headers(stream.headers) == {}
        assert "vary" not in stream.headers
        status, headers, _ = fake_server.request("POST", "/render", load_recap("one-book"), {"Origin": SITE})
        assert status == 200
        assert cors_headers(headers) == {}

    def test_options_still_answers(self, fake_server: ServerProcess) -> None:
        """OPTIONS is a 204 naming the methods, without granting anything."""
        status, headers, body = fake_server.request(
            "OPTIONS", "/render", headers={"Origin": SITE, "Access-Control-Request-Method": "POST"}
        )
        assert (status, body) == (204, b"")
        assert headers["allow"] == "POST, OPTIONS"
        assert cors_headers(headers) == {}


class TestServerWithCors:
    def test_stream_grants_allowed_origin(self, cors_server: ServerProcess) -> None:
        """The event stream echoes an allowed Origin, says Vary: Origin, and is otherwise unchanged."""
        stream = run_stream(cors_server.port, load_recap("one-book"), headers={"Origin": OTHER_SITE})
        assert stream.status == 200
        assert stream.names[-1] == "complete"
        assert stream.headers["access-control-allow-origin"] == OTHER_SITE
        assert stream.headers["vary"] == "Origin"
        assert stream.headers["content-type"] == "text/event-stream"

    def test_stream_refuses_other_origin(self, cors_server: ServerProcess) -> None:
        """An origin not in the list gets no grant (the browser then withholds the stream), but Vary: Origin."""
        stream = open_stream(cors_server.port, stream_url(load_recap("one-book")), headers={"Origin": STRANGER})
        stream.close()
        assert stream.status == 200
        assert cors_headers(stream.headers) == {}
        assert stream.headers["vary"] == "Origin"

    def test_reconnect_204_is_granted(self, cors_server: ServerProcess) -> None:
        """The 204 that stops EventSource after the outcome carries the grant, so the browser sees it."""
        stream = run_stream(cors_server.port, load_recap("one-book"), headers={"Origin": SITE})
        terminal_id = stream.events[-1].id
        assert terminal_id is not None
        again = open_stream(
            cors_server.port,
            stream_url(load_recap("one-book")),
            headers={"Origin": SITE, "Last-Event-ID": terminal_id},
        )
        assert again.status == 204
        assert again.headers["access-control-allow-origin"] == SITE

    @pytest.mark.parametrize(("path", "methods"), [("/render", "POST, OPTIONS"), ("/render-stream", "GET, OPTIONS")])
    def test_preflight(self, cors_server: ServerProcess, path: str, methods: str) -> None:
        """A preflight is 204 with the resource's methods and the headers clients send (Content-Type, Last-Event-ID)."""
        status, headers, body = cors_server.request(
            "OPTIONS",
            path,
            headers={
                "Origin": SITE,
                "Access-Control-Request-Method": methods.split(",")[0],
                "Access-Control-Request-Headers": "content-type, last-event-id",
            },
        )
        assert (status, body) == (204, b"")
        assert headers["access-control-allow-origin"] == SITE
        assert headers["access-control-allow-methods"] == methods
        assert {"Content-Type", "Last-Event-ID"} <= split(headers["access-control-allow-headers"])
        assert int(headers["access-control-max-age"]) > 0

    def test_preflight_refused(self, cors_server: ServerProcess) -> None:
        """A preflight from an origin not in the list grants nothing."""
        status, headers, _ = cors_server.request(
            "OPTIONS", "/render", headers={"Origin": STRANGER, "Access-Control-Request-Method": "POST"}
        )
        assert status == 204
        assert cors_headers(headers) == {}

    def test_post_and_its_errors_are_readable(self, cors_server: ServerProcess) -> None:
        """POST /render answers, and its JSON errors too, carry the grant (a page can show why it was refused)."""
        status, headers, _ = cors_server.request("POST", "/render", load_recap("one-book"), {"Origin": SITE})
        assert status == 200
        assert headers["access-control-allow-origin"] == SITE
        status, headers, _ = cors_server.request("POST", "/render", {"userId": ""}, {"Origin": SITE})
        assert status == 400
        assert headers["access-control-allow-origin"] == SITE
        assert headers["vary"] == "Origin"

    def test_storage_ranges_are_readable(self, cors_server: ServerProcess) -> None:
        """A stored video answers a range request with the grant, exposing Content-Range and Accept-Ranges."""
        stream = run_stream(cors_server.port, load_recap("one-book"))
        path = stream.events[-1].data["s3Url"].removeprefix(cors_server.base_url)
        status, headers, body = cors_server.request("GET", path, headers={"Origin": SITE, "Range": "bytes=0-15"})
        assert status == 206
        assert len(body) == 16
        assert headers["access-control-allow-origin"] == SITE
        assert {"Content-Range", "Accept-Ranges"} <= split(headers["access-control-expose-headers"])

    def test_download_is_granted(self, cors_server: ServerProcess) -> None:
        """/download answers (files and JSON 404s) carry the grant; its preflight allows GET with Range."""
        cors_server.output_dir.mkdir(parents=True, exist_ok=True)
        (cors_server.output_dir / "kept.mp4").write_bytes(b"\x00" * 64)
        status, headers, _ = cors_server.request(
            "GET", "/download/kept.mp4", headers={"Origin": SITE, "Range": "bytes=0-7"}
        )
        assert status == 206
        assert headers["access-control-allow-origin"] == SITE
        assert headers["content-range"] == "bytes 0-7/64"
        status, headers, _ = cors_server.request("GET", "/download/missing.mp4", headers={"Origin": SITE})
        assert status == 404
        assert headers["access-control-allow-origin"] == SITE
        status, headers, _ = cors_server.request(
            "OPTIONS", "/download/kept.mp4", headers={"Origin": SITE, "Access-Control-Request-Method": "GET"}
        )
        assert status == 204
        assert "GET" in split(headers["access-control-allow-methods"])
        assert "Range" in split(headers["access-control-allow-headers"])

    def test_wildcard(self, server_factory: Callable[..., ServerProcess]) -> None:
        """CORS_ORIGINS=* grants every origin with a literal `*`."""
        server = server_factory("ok", CORS_ORIGINS="*")
        stream = open_stream(server.port, stream_url(load_recap("one-book")), headers={"Origin": STRANGER})
        read_events(stream)
        assert stream.headers["access-control-allow-origin"] == "*"
        assert stream.names[-1] == "complete"
