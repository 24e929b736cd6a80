"""The SSE wire format, byte for byte, without a server."""

from __future__ import annotations

import pytest

from tornado_render.web.sse import KEEPALIVE, format_comment, format_event, format_retry


class TestFormatEvent:
    @pytest.mark.parametrize(
        ("args", "kwargs", "expected"),
        [
            (
                ("progress", {"progress": 0, "phase": "bundling"}),
                {},
                b'event: progress\ndata: {"progress":0,"phase":"bundling"}\n\n',
            ),
            (
                ("complete", {"filename": "a.mp4", "s3Url": "https://b/a.mp4"}),
                {"event_id": "j.7.end"},
                b'id: j.7.end\nevent: complete\ndata: {"filename":"a.mp4","s3Url":"https://b/a.mp4"}\n\n',
            ),
            (
                ("error", {"message": "Render failed: out of memory"}),
                {"event_id": 3, "retry_ms": 2000},
                b'id: 3\nretry: 2000\nevent: error\ndata: {"message":"Render failed: out of memory"}\n\n',
            ),
            (
                ("queued", {"position": 2}),
                {},
                b'event: queued\ndata: {"position":2}\n\n',
            ),
        ],
    )
    def test_exact_bytes(self, args: tuple, kwargs: dict, expected: bytes) -> None:
        """Each event is id/retry (when given), event name, one compact JSON data line, and a blank line."""
        assert format_event(*args, **kwargs) == expected

    def test_multiline_text_stays_on_one_data_line(self) -> None:
        """Line breaks inside data are JSON-escaped, so an event never splits into several data lines."""
        encoded = format_event("error", {"message": "line one\nline two"})
        assert encoded.count(b"\ndata: ") == 1
        assert b"line one\\nline two" in encoded

    def test_non_ascii_is_utf8(self) -> None:
        """Non-ASCII text is sent as UTF-8, not as \\u escapes."""
        assert "✓".encode() in format_event("complete", {"filename": "✓"})

    def test_event_name_with_newline_is_refused(self) -> None:
        """An event name that would inject a field is a programming error."""
        with pytest.raises(ValueError, match="line break"):
            format_event("progress\ndata: x", {})


class TestComments:
    def test_keepalive_is_the_specified_comment(self) -> None:
        """The spec's keepalive is exactly `: keepalive` and a blank line."""
        assert KEEPALIVE == b": keepalive\n\n"

    def test_format_comment_prefixes_every_line(self) -> None:
        """A multi-line comment stays a comment on every line."""
        assert format_comment("a\nb") == b": a\n: b\n\n"

    def test_retry(self) -> None:
        """The retry hint is a bare retry field."""
        assert format_retry(3000) == b"retry: 3000\n\n"
