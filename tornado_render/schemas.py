"""Marshmallow schemas of a RenderRequest: the Python mirror of remotion/src/types.ts.

Unknown fields are dropped (newer clients keep working, and the props handed to Remotion are exactly the known
ones). Numbers are strict: "5", true and NaN are not numbers. Every bad field is reported, by its dotted path.
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

MAX_SHORT_TEXT = 200
MAX_TITLE = 500
MAX_URL = 2048
MAX_AUTHORS = 50
MAX_USER_ID = 128
DEFAULT_MAX_BOOKS = 50
MAX_CURRENTLY_READING = 50
STATUSES = ("COMPLETED", "DNF")

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class StrictInteger(fields.Integer):
    """An integer that is really one in the JSON: not "5", not 5.5, not true."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictNumber(fields.Float):
    """A JSON number (int or float); strings, booleans, NaN and infinities are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _text(max_length: int, min_length: int | None = None, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


def _score(**kwargs: Any) -> StrictNumber:
    return StrictNumber(validate=validate.Range(min=1, max=10), **kwargs)


def _rating_value(**kwargs: Any) -> StrictNumber:
    return StrictNumber(validate=validate.Range(min=0, max=10), **kwargs)


def _count() -> StrictInteger:
    return StrictInteger(required=True, validate=validate.Range(min=0))


def _authors() -> fields.List[str]:
    return fields.List(_text(MAX_SHORT_TEXT), required=True, validate=validate.Length(max=MAX_AUTHORS))


def _cover_url() -> fields.String:
    return _text(MAX_URL, required=True, allow_none=True)


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class MetaSchema(_Lenient):
    month = StrictInteger(required=True, validate=validate.Range(min=1, max=12))
    year = StrictInteger(required=True, validate=validate.Range(min=1000, max=9999))
    monthName = _text(40, min_length=1, required=True)
    generatedAt = _text(64, required=True)


class RatingSchema(_Lenient):
    average = _rating_value(required=True)
    characters = _score(required=True, allow_none=True)
    atmosphere = _score(required=True, allow_none=True)
    writing = _score(required=True, allow_none=True)
    plot = _score(required=True, allow_none=True)
    intrigue = _score(required=True, allow_none=True)
    logic = _score(required=True, allow_none=True)
    enjoyment = _score(required=True, allow_none=True)


class BookSchema(_Lenient):
    id = _text(MAX_SHORT_TEXT, required=True)
    title = _text(MAX_TITLE, required=True)
    authors = _authors()
    coverUrl = _cover_url()
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    finishDate = _text(64, required=True, allow_none=True)
    rating = fields.Nested(RatingSchema, required=True, allow_none=True)
    pageCount = StrictInteger(required=True, allow_none=True, validate=validate.Range(min=0, max=100_000))


class CurrentlyReadingSchema(_Lenient):
    id = _text(MAX_SHORT_TEXT, required=True)
    title = _text(MAX_TITLE, required=True)
    authors = _authors()
    coverUrl = _cover_url()
    progress = StrictNumber(required=True, validate=validate.Range(min=0, max=100))


class RatedBookSchema(_Lenient):
    title = _text(MAX_TITLE, required=True)
    coverUrl = _cover_url()
    rating = _rating_value(required=True)


class StatsSchema(_Lenient):
    totalBooks = _count()
    completedCount = _count()
    dnfCount = _count()
    totalPages = _count()
    averageRating = _rating_value(required=True, allow_none=True)
    topRatedBook = fields.Nested(RatedBookSchema, required=True, allow_none=True)
    lowestRatedBook = fields.Nested(RatedBookSchema, required=True, allow_none=True)


class MonthlyRecapExportSchema(_Lenient):
    meta = fields.Nested(MetaSchema, required=True)
    books = fields.List(fields.Nested(BookSchema), required=True)
    currentlyReading = fields.List(
        fields.Nested(CurrentlyReadingSchema),
        load_default=list,
        validate=validate.Length(max=MAX_CURRENTLY_READING),
    )
    stats = fields.Nested(StatsSchema, required=True)


class RenderRequestSchema(_Lenient):
    userId = fields.String(required=True)
    data = fields.Nested(MonthlyRecapExportSchema, required=True)

    @validates("userId")
    def _safe_user_id(self, value: str, **_: Any) -> None:
        check_user_id(value)


def check_user_id(value: str) -> None:
    """A userId must be usable as one S3 key segment as is: non-empty, short, no separators or dot-dot."""
    stripped = value.strip()
    if not stripped:
        raise ValidationError("must be a non-empty string")
    if len(value) > MAX_USER_ID:
        raise ValidationError(f"must be at most {MAX_USER_ID} characters")
    if "/" in value or "\\" in value:
        raise ValidationError("must not contain '/' or '\\'")
    if ".." in value or stripped == ".":
        raise ValidationError("must not contain '..' or be '.'")
    if _CONTROL_CHARACTERS.search(value):
        raise ValidationError("must not contain control characters")


@dataclass(frozen=True)
class RequestLimits:
    max_books: int = DEFAULT_MAX_BOOKS


class InvalidRequest(ValueError):
    """A request failed validation; `fields` maps each bad field's dotted path to its messages."""

    def __init__(self, fields_: dict[str, list[str]]) -> None:
        self.fields = fields_
        summary = "; ".join(f"{path}: {' '.join(messages)}" for path, messages in fields_.items())
        super().__init__(f"Invalid request: {summary}")


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested error dict as {"data.books.0.title": ["..."]}."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            path = str(key) if key != "_schema" else ""
            joined = f"{prefix}.{path}" if prefix and path else (prefix or path)
            flat.update(flatten_messages(value, joined))
        return flat
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return {prefix or "request": list(messages)}
    return {prefix or "request": [str(messages)]}


def load_render_request(payload: Any, limits: RequestLimits = RequestLimits()) -> dict[str, Any]:
    """Validate a decoded RenderRequest and return it cleaned (trimmed userId, defaults filled, unknowns dropped)."""
    if not isinstance(payload, dict):
        raise InvalidRequest({"request": ["must be a JSON object with userId and data"]})
    errors: dict[str, list[str]] = {}
    try:
        request: dict[str, Any] = RenderRequestSchema().load(payload)
    except ValidationError as error:
        errors = flatten_messages(error.messages)
    # The limit is a setting, so it is checked here rather than in the schema class, on the raw payload, so that
    # it is reported together with every other bad field.
    data = payload.get("data")
    books = data.get("books") if isinstance(data, dict) else None
    if isinstance(books, list) and len(books) > limits.max_books:
        errors.setdefault("data.books", []).append(f"at most {limits.max_books} books per recap")
    if errors:
        raise InvalidRequest(errors)
    request["userId"] = request["userId"].strip()
    return request
