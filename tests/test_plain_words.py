"""A 400's bad fields in plain words (tornado_render.validation.plain_words), without a server; and in a real 400."""

from __future__ import annotations

import json

import pytest

from tests.support.recaps import load_recap
from tests.support.server import ServerProcess
from tornado_render.validation.plain_words import WRAPPER_HINT, sentence, wrapper_hint


@pytest.mark.parametrize(
    ("path", "message", "expected"),
    [
        ("data.books.0.title", "Longer than maximum length 500.", "Book 1: the title is longer than 500 characters"),
        ("data.books.0.title", "Missing data for required field.", "Book 1: the title is missing"),
        ("userId", "Missing data for required field.", "The userId is missing"),
        (
            "data.books.2.rating.plot",
            "Must be greater than or equal to 1 and less than or equal to 10.",
            "Book 3, rating: the plot must be from 1 to 10",
        ),
        ("data.books.0.authors.1", "Not a valid string.", "Book 1, author 2 must be text"),
        ("data.books.0.authors", "Longer than maximum length 50.", "Book 1: the authors has more than 50 entries"),
        ("data.books.1", "Invalid input type.", "Book 2 must be an object"),
        (
            "data.currentlyReading.0.progress",
            "Not a valid number.",
            "Currently reading, book 1: the progress must be a number",
        ),
        (
            "data.meta.monthName",
            "Shorter than minimum length 1.",
            "The recap's details: the month name must not be empty",
        ),
        (
            "data.stats.topRatedBook.title",
            "Missing data for required field.",
            "The recap's stats, top-rated book: the title is missing",
        ),
        (
            "body",
            "is not valid JSON (Expecting value: line 1 column 1 (char 0))",
            "The request body is not valid JSON (Expecting value: line 1 column 1 (char 0))",
        ),
        (
            "template.global.colors.accent",
            "must be a CSS color",
            "The template's global.colors.accent must be a CSS color",
        ),
        (
            "data.books",
            "the video would last 61.0 s; at most 60 s (MAX_VIDEO_SECONDS)",
            "The books: the video would last 61.0 s; at most 60 s (MAX_VIDEO_SECONDS)",
        ),
    ],
)
def test_sentence(path: str, message: str, expected: str) -> None:
    """Each path and message reads as one sentence about the book or section it is in."""
    assert sentence(path, [message]) == expected


class TestWrapperHint:
    def test_bare_recap(self) -> None:
        """A recap's own fields at the top, without `data`: the hint names the wrapper."""
        assert wrapper_hint(load_recap("one-book")["data"]) == WRAPPER_HINT

    def test_wrapped_request(self) -> None:
        """A request with its wrapper (valid or not) gets no hint."""
        assert wrapper_hint({"userId": "u", "data": {}}) is None
        assert wrapper_hint({"userId": "u"}) is None


class TestBadRequestBody:
    def test_messages_beside_fields(self, fake_server: ServerProcess) -> None:
        """A 400 keeps `fields` and has one sentence per field in `messages`, in the same order."""
        request = load_recap("one-book")
        request["data"]["books"][0]["title"] = "x" * 501
        del request["userId"]
        status, _, body = fake_server.request("POST", "/render", request)
        answer = json.loads(body)
        assert status == 400
        assert list(answer["fields"]) == ["userId", "data.books.0.title"]
        assert answer["messages"] == ["The userId is missing", "Book 1: the title is longer than 500 characters"]
        assert "hint" not in answer

    def test_bare_recap_hint(self, fake_server: ServerProcess) -> None:
        """A recap sent without {userId, data} is told about the wrapper."""
        status, _, body = fake_server.request("POST", "/render", load_recap("one-book")["data"])
        assert status == 400
        assert json.loads(body)["hint"] == WRAPPER_HINT
