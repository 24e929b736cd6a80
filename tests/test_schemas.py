"""Validation of RenderRequests: what passes, what is refused, and how the refusal names the fields."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.recaps import RECAP_NAMES, load_recap
from tornado_render.validation.schemas import InvalidRequest, RequestLimits, load_render_request

DEFAULT_LIMITS = RequestLimits()


def errors_of(payload: Any, limits: RequestLimits = DEFAULT_LIMITS) -> dict[str, list[str]]:
    with pytest.raises(InvalidRequest) as caught:
        load_render_request(payload, limits)
    return caught.value.fields


class TestValidRequests:
    @pytest.mark.parametrize("name", RECAP_NAMES)
    def test_every_fixture_is_valid_and_unchanged(self, name: str) -> None:
        """The shared fixtures load as they are: the schema and the TypeScript types agree on them."""
        recap = load_recap(name)
        assert load_render_request(recap) == recap

    def test_currently_reading_defaults_to_empty(self) -> None:
        """An export without currentlyReading gets []."""
        recap = load_recap("one-book")
        del recap["data"]["currentlyReading"]
        assert load_render_request(recap)["data"]["currentlyReading"] == []

    def test_unknown_fields_are_dropped(self) -> None:
        """Newer clients' extra fields are ignored, at every level, and never reach the composition."""
        recap = load_recap("one-book")
        recap["clientVersion"] = "9.9"
        recap["data"]["meta"]["theme"] = "neon"
        recap["data"]["books"][0]["isbn"] = "978-0"
        loaded = load_render_request(recap)
        assert "clientVersion" not in loaded
        assert "theme" not in loaded["data"]["meta"]
        assert "isbn" not in loaded["data"]["books"][0]

    def test_user_id_is_trimmed(self) -> None:
        """Surrounding whitespace of userId is not part of it."""
        recap = load_recap("one-book")
        recap["userId"] = "  user-1 "
        assert load_render_request(recap)["userId"] == "user-1"

    def test_null_sub_scores_are_fine(self) -> None:
        """Any CAWPILE sub-score may be null."""
        recap = load_recap("one-book")
        recap["data"]["books"][0]["rating"]["plot"] = None
        assert load_render_request(recap)["data"]["books"][0]["rating"]["plot"] is None


class TestInvalidRequests:
    def test_not_an_object(self) -> None:
        """A JSON array or string is not a request."""
        assert "request" in errors_of([1, 2])

    @pytest.mark.parametrize("user_id", ["", "   ", None, 42, "a/b", "a\\b", "..", "x..y", "tab\there", "x" * 129])
    def test_bad_user_ids(self, user_id: Any) -> None:
        """userId must be one safe, non-empty S3 key segment of at most 128 characters."""
        recap = load_recap("one-book")
        recap["userId"] = user_id
        assert list(errors_of(recap)) == ["userId"]

    def test_missing_parts_of_data(self) -> None:
        """meta, books and stats are required, and all three are reported at once."""
        recap = load_recap("one-book")
        for key in ("meta", "books", "stats"):
            del recap["data"][key]
        assert set(errors_of(recap)) == {"data.meta", "data.books", "data.stats"}

    def test_every_bad_field_is_listed_with_its_path(self) -> None:
        """Range and type errors deep in the structure are all named by dotted path."""
        recap = load_recap("three-books")
        recap["data"]["meta"]["month"] = 13
        recap["data"]["books"][1]["status"] = "ABANDONED"
        recap["data"]["books"][0]["rating"]["plot"] = 11
        recap["data"]["books"][2]["pageCount"] = "300"
        recap["data"]["currentlyReading"][0]["progress"] = 101
        recap["data"]["stats"]["totalBooks"] = True
        fields = errors_of(recap)
        assert set(fields) == {
            "data.meta.month",
            "data.books.1.status",
            "data.books.0.rating.plot",
            "data.books.2.pageCount",
            "data.currentlyReading.0.progress",
            "data.stats.totalBooks",
        }

    def test_message_names_the_fields(self) -> None:
        """The error text itself says which field is wrong."""
        recap = load_recap("one-book")
        recap["data"]["meta"]["month"] = 0
        with pytest.raises(InvalidRequest, match=r"data\.meta\.month"):
            load_render_request(recap)

    @pytest.mark.parametrize("value", ["5", 5.5, float("nan"), None])
    def test_integers_are_strict(self, value: Any) -> None:
        """A month must be a JSON integer."""
        recap = load_recap("one-book")
        recap["data"]["meta"]["month"] = value
        assert list(errors_of(recap)) == ["data.meta.month"]

    def test_too_many_books(self) -> None:
        """More books than the configured limit is refused."""
        recap = load_recap("three-books")
        assert list(errors_of(recap, RequestLimits(max_books=2))) == ["data.books"]

    def test_too_many_books_is_listed_with_other_errors(self) -> None:
        """The book limit is reported together with the other bad fields, not only once they are fixed."""
        recap = load_recap("three-books")
        recap["data"]["meta"]["month"] = 13
        assert set(errors_of(recap, RequestLimits(max_books=2))) == {"data.books", "data.meta.month"}

    def test_overlong_title(self) -> None:
        """Strings have length limits."""
        recap = load_recap("one-book")
        recap["data"]["books"][0]["title"] = "x" * 501
        assert list(errors_of(recap)) == ["data.books.0.title"]
