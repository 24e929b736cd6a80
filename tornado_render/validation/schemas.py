"""Marshmallow schemas of a RenderRequest: the Python mirror of remotion/src/types.ts.

Unknown fields are dropped (newer clients keep working, and the props handed to Remotion are exactly the known
ones). Numbers are strict: "5", true and NaN are not numbers. Bad fields are reported by their dotted paths.

Validation costs time per element, so the sizes of the lists are checked on the raw payload first: a list over its
limit is refused whole and its elements are never looked at (50,000 book objects cost a length check, not 50,000
validations). The other parts of the request are still validated, so the limit is reported with their errors. At
most MAX_REPORTED_ERRORS fields are listed, each message cut to a readable length; the rest are only counted.

The request's `template` and `templateId` are validated by template_schema.py, after the recap (the video's length
limit needs both), and reported with the recap's errors in the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from ..recap import FORMATS, normalized_formats
from ..settings import Settings
from ..templates import TemplateCatalog
from .plain_words import sentences, wrapper_hint
from .strict_fields import StrictInteger, StrictNumber, flatten_messages
from .template_schema import TemplateError, length_errors, load_template

MAX_SHORT_TEXT = 200
MAX_TITLE = 500
MAX_URL = 2048
MAX_AUTHORS = 50
MAX_USER_ID = 128
MAX_USER_ID_BYTES = 128
MAX_CURRENTLY_READING = 50
MAX_REPORTED_ERRORS = 20
MAX_MESSAGE_LENGTH = 200
MAX_PATH_LENGTH = 120
STATUSES = ("COMPLETED", "DNF")

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters that draw nothing, so `alice` with a
# zero-width space looks like `alice` and would otherwise be another reader with a quota of its own.
DEFAULT_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)  # the characters themselves, as a regular expression's class (the OpenAPI document's pattern uses it too)
_DEFAULT_IGNORABLE = re.compile(f"[{DEFAULT_IGNORABLE}]")


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
    # Its companion `coverPalette` (types.ts) is written by the server beside a fetched cover (render/covers.py) and
    # is deliberately not declared: a client's is dropped with the other unknown fields.
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
    currentlyReading = fields.List(fields.Nested(CurrentlyReadingSchema), load_default=list)
    stats = fields.Nested(StatsSchema, required=True)


class RenderRequestSchema(_Lenient):
    userId = fields.String(required=True)
    data = fields.Nested(MonthlyRecapExportSchema, required=True)
    # Described here for the document; validated apart by template_schema.load_template (see
    # validate_render_request), which also resolves them and names what it ignored.
    templateId = fields.String(
        allow_none=True,
        metadata={"description": "a preset (GET /templates) the template starts from; default `default`"},
    )
    # The Template component of the document is template.schema.json's (openapi._refine).
    template = fields.Raw(
        allow_none=True,
        metadata={
            "description": "how the video looks: any part of a Template, laid over the preset (see docs/TEMPLATES.md)"
        },
    )

    formats = fields.List(
        fields.String(validate=validate.OneOf(FORMATS, error="must be one of: {choices}")),
        allow_none=True,
        validate=validate.Length(max=len(FORMATS), error=f"at most {len(FORMATS)} formats"),
        error_messages={"invalid": 'must be a list of formats, e.g. ["story", "square"]'},
        metadata={
            "description": "the shapes of video to make: `story` (1080x1920, always made: `filename` and `s3Url` are"
            ' its), `square` (1080x1080) and `landscape` (1920x1080), each named once; default `["story"]`'
        },
    )

    @validates("userId")
    def _safe_user_id(self, value: str, **_: Any) -> None:
        check_user_id(value)

    @validates("formats")
    def _distinct_formats(self, value: list[str] | None, **_: Any) -> None:
        if value is not None and len(set(value)) != len(value):
            raise ValidationError("must name each format once")


def check_user_id(value: str) -> None:
    """A userId must be usable as one S3 key segment as is: non-empty, short, no separators or dot-dot."""
    stripped = value.strip()
    if not stripped:
        raise ValidationError("must be a non-empty string")
    if len(value) > MAX_USER_ID:
        raise ValidationError(f"must be at most {MAX_USER_ID} characters")
    if len(value.encode("utf-8", errors="surrogatepass")) > MAX_USER_ID_BYTES:
        raise ValidationError(f"must be at most {MAX_USER_ID_BYTES} bytes in UTF-8")
    if "/" in value or "\\" in value:
        raise ValidationError("must not contain '/' or '\\'")
    if ".." in value or stripped == ".":
        raise ValidationError("must not contain '..' or be '.'")
    if _CONTROL_CHARACTERS.search(value):
        raise ValidationError("must not contain control characters")
    invisible = _DEFAULT_IGNORABLE.search(value)
    if invisible:
        raise ValidationError(f"must not contain invisible characters (U+{ord(invisible.group()):04X})")


def _catalog() -> TemplateCatalog:
    return TemplateCatalog.for_remotion_dir(Settings().remotion_dir)


@dataclass(frozen=True)
class RequestLimits:
    """What a request is checked against that depends on settings (MAX_BOOKS, MAX_VIDEO_SECONDS, the presets of
    REMOTION_DIR), each defaulting to the setting's own default."""

    max_books: int = field(default_factory=lambda: Settings().max_books)
    max_video_seconds: float = field(default_factory=lambda: Settings().max_video_seconds)
    templates: TemplateCatalog = field(default_factory=_catalog)

    @classmethod
    def from_settings(cls, settings: Settings, templates: TemplateCatalog | None = None) -> RequestLimits:
        return cls(
            max_books=settings.max_books,
            max_video_seconds=settings.max_video_seconds,
            templates=templates or TemplateCatalog.for_remotion_dir(settings.remotion_dir),
        )


class InvalidRequest(ValueError):
    """A request failed validation; `fields` maps each bad field's dotted path to its messages (at most
    MAX_REPORTED_ERRORS of them, messages shortened), `more_fields` counts the bad fields left out, `hint` says what
    the mistake probably is when the request's shape tells (a recap without its wrapper)."""

    def __init__(self, fields_: dict[str, list[str]], *, hint: str | None = None) -> None:
        shown = list(fields_.items())[:MAX_REPORTED_ERRORS]
        self.hint = hint
        self.fields = {
            _shorten(path, MAX_PATH_LENGTH): [_shorten(message, MAX_MESSAGE_LENGTH) for message in messages[:2]]
            for path, messages in shown
        }
        self.more_fields = len(fields_) - len(shown)
        summary = "; ".join(f"{path}: {' '.join(messages)}" for path, messages in list(self.fields.items())[:5])
        if len(fields_) > 5:
            summary += f"; and {len(fields_) - 5} more"
        super().__init__(f"Invalid request: {summary}")

    def body_extra(self) -> dict[str, Any]:
        """What a 400 carries besides its `error` text (ErrorSchema's attributes): the bad fields, and how many more
        were left out."""
        extra: dict[str, Any] = {"field_errors": self.fields, "messages": sentences(self.fields)}
        if self.more_fields:
            extra["moreFields"] = self.more_fields
        if self.hint:
            extra["hint"] = self.hint
        return extra


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _oversized_lists(payload: dict[str, Any], limits: RequestLimits) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The payload with every over-long list emptied (never validated element by element), and their errors."""
    data = payload.get("data")
    if not isinstance(data, dict):
        data = {}
    caps = {"books": limits.max_books, "currentlyReading": MAX_CURRENTLY_READING}
    errors: dict[str, list[str]] = {}
    trimmed = dict(data)
    for name, cap in caps.items():
        value = data.get(name)
        if isinstance(value, list) and len(value) > cap:
            errors[f"data.{name}"] = [f"at most {cap} {'books per recap' if name == 'books' else 'entries'}"]
            trimmed[name] = []
    checked = {**payload, "data": trimmed} if errors else payload
    formats = payload.get("formats")
    if isinstance(formats, list) and len(formats) > len(FORMATS):
        errors["formats"] = [f"at most {len(FORMATS)} formats"]
        checked = {**checked, "formats": []}
    return checked, errors


@dataclass(frozen=True)
class ValidRequest:
    """A validated RenderRequest: `document` is its cleaned JSON (trimmed userId, defaults filled, unknown fields
    dropped; `templateId` and the known fields of `template` when it had them), `template` the complete template the
    video is drawn with, `warnings` what was ignored in the template."""

    document: dict[str, Any]
    template: dict[str, Any]
    warnings: list[str]


def validate_render_request(payload: Any, limits: RequestLimits | None = None) -> ValidRequest:
    """Validate a decoded RenderRequest, its template included, or raise InvalidRequest naming every bad field."""
    limits = limits or RequestLimits()
    if not isinstance(payload, dict):
        raise InvalidRequest({"request": ["must be a JSON object with userId and data"]})
    hint = wrapper_hint(payload)
    raw_template, template_id = payload.get("template"), payload.get("templateId")
    payload = {key: value for key, value in payload.items() if key not in ("template", "templateId")}
    payload, errors = _oversized_lists(payload, limits)
    document: dict[str, Any] = {}
    try:
        document = RenderRequestSchema().load(payload)
    except ValidationError as error:
        errors = {**errors, **flatten_messages(error.messages)}
    try:
        loaded = load_template(raw_template, template_id, limits.templates)
    except TemplateError as error:
        errors = {**errors, **error.fields}
    else:
        if not errors:
            # Only a valid recap in a valid template has a length.
            chosen = raw_template is not None or template_id is not None
            path = "template.global.timing" if chosen else "data.books"
            shapes = len(normalized_formats(document.get("formats") or ()))
            errors = length_errors(document["data"], loaded.resolved, limits.max_video_seconds, path, shapes)
    if errors:
        raise InvalidRequest(errors, hint=hint)
    document["userId"] = document["userId"].strip()
    if template_id is not None:
        document["templateId"] = template_id
    if raw_template is not None:
        document["template"] = loaded.given
    return ValidRequest(document, loaded.resolved, loaded.warnings)


def load_render_request(payload: Any, limits: RequestLimits | None = None) -> dict[str, Any]:
    """The cleaned JSON of a valid RenderRequest (see ValidRequest.document)."""
    return validate_render_request(payload, limits).document
