"""The `template` and `templateId` of a RenderRequest: checked before any work, then resolved into the complete
template the video is drawn with (templates.py).

The marshmallow schemas mirror remotion/src/template/template.ts (TEMPLATE_FIELDS; tests/test_templates.py
compares the two). Every field is optional; a partial template is laid over its preset (`templateId`, default
`default`), which is laid over the defaults. Unknown keys are ignored for forward compatibility and named in the
warnings (`template.global.foo: unknown key, ignored`). Errors name the field path (`template.global.colors.accent`).

Order of checks, cheapest first: the template's shape (an object, at most MAX_TEMPLATE_DEPTH levels and
MAX_TEMPLATE_BYTES of JSON: the request limits already bound it, but a template has no business being large), its
fields, then what depends on the whole: a `*Total` the request gives must be at least the sum of its (resolved)
parts, and the video of this recap no longer than MAX_VIDEO_SECONDS.

Numbers are kept as JavaScript sees them: 220.0 is 220 (JSON from a browser never says 220.0), so a template means
the same job whichever way a client spells its numbers. Text is measured in UTF-16 code units, as template.ts
measures it, so a `customText` the server accepts is one the composition draws.

`audio` is null or an object of its own rules (template.ts AUDIO_FIELDS and resolveAudio): a known `track` or an
http(s) `url` (not both), `bpm` only with a url, `volume` 0..1. Whether a URL's track can be used is decided when
it is fetched (render/audio_source.py): a track that cannot is a warning and a silent video, never a 400.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..templates import (
    ANIMATION_STYLES,
    BPM_RANGE,
    COLOR_KEYS,
    COVER_SIZES,
    FONT_FAMILIES,
    FONT_ROLES,
    FPS,
    LAYOUTS,
    MAX_AUDIO_URL,
    MAX_CUSTOM_TEXT,
    NUMBER_RANGES,
    OVERLAP_RANGE,
    SCENE_TIMING,
    TIMING_KEYS,
    TIMING_RANGE,
    VOLUME_RANGE,
    TemplateCatalog,
    duration_frames,
)
from .css_colors import MAX_COLOR_LENGTH, is_css_color
from .strict_fields import StrictBoolean, flatten_messages

MAX_TEMPLATE_BYTES = 8 * 1024
MAX_TEMPLATE_DEPTH = 4
MAX_WARNINGS = 20
MAX_SHOWN_KEY = 60

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# template.ts AUDIO_URL: http or https and a host (the characters are checked apart: no controls, no lone surrogates).
_AUDIO_URL = re.compile(r"https?://[^/?# ]+", re.IGNORECASE)
MAX_TRACK_ID = 64


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _json_number(value: Any) -> int | float | None:
    """A JSON number as JavaScript holds it (an integral float is that integer), or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return value


class TemplateNumber(fields.Float):
    """A JSON number; 220.0 becomes 220."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        number = _json_number(value)
        if number is None:
            raise self.make_error("invalid")
        return number


class TemplateInteger(fields.Integer):
    """A whole JSON number (30 or 30.0, as JavaScript's Number.isInteger takes it); not "30", 30.5 or true."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        number = _json_number(value)
        if not isinstance(number, int):
            raise self.make_error("invalid")
        return number


class CssColor(fields.String):
    """A CSS color of the grammar of css_colors.py."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not is_css_color(value):
            raise ValidationError(
                "must be a CSS color: #rgb, #rrggbb (or with alpha), rgb()/rgba()/hsl()/hsla() with numbers in range,"
                " or a color name"
            )
        return str(value)


class CustomText(fields.String):
    """The reader's own line: one line of text, at most MAX_CUSTOM_TEXT UTF-16 code units, or null."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _LONE_SURROGATE.search(text):
            raise ValidationError("must be Unicode text (it has a lone surrogate)")
        if _CONTROL_CHARACTERS.search(text):
            raise ValidationError("must be one line without control characters")
        if _utf16_length(text) > MAX_CUSTOM_TEXT:
            raise ValidationError(f"must be at most {MAX_CUSTOM_TEXT} characters (UTF-16 code units)")
        return text


class AudioUrl(fields.String):
    """Where a soundtrack is fetched from: an http(s) URL of at most MAX_AUDIO_URL UTF-16 code units, plain text."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _LONE_SURROGATE.search(text):
            raise ValidationError("must be Unicode text (it has a lone surrogate)")
        if _CONTROL_CHARACTERS.search(text):
            raise ValidationError("must not contain control characters")
        if _utf16_length(text) > MAX_AUDIO_URL:
            raise ValidationError(f"must be at most {MAX_AUDIO_URL} characters")
        if not _AUDIO_URL.match(text):
            raise ValidationError("must be an http or https URL")
        return text


def _one_of(choices: tuple[str, ...], what: str = "one of") -> fields.String:
    return fields.String(validate=validate.OneOf(choices, error=f"must be {what}: {', '.join(choices)}"))


def _ranged(name: str) -> fields.Field[Any]:
    low, high, integer = NUMBER_RANGES[name]
    field_class = TemplateInteger if integer else TemplateNumber
    return field_class(validate=validate.Range(min=low, max=high, error="must be between {min} and {max}"))


def _frames(low: int = TIMING_RANGE[0], high: int = TIMING_RANGE[1]) -> TemplateInteger:
    return TemplateInteger(
        validate=validate.Range(min=low, max=high, error="must be between {min} and {max} frames"),
        metadata={"description": "frames at 30 fps"},
    )


class _Partial(Schema):
    class Meta:
        unknown = EXCLUDE


COLOR_DESCRIPTION = (
    "a CSS color: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb()/rgba()/hsl()/hsla() with numbers in range, or a color name"
)
ColorsSchema = _Partial.from_dict(
    {
        key: CssColor(validate=validate.Length(max=MAX_COLOR_LENGTH), metadata={"description": COLOR_DESCRIPTION})
        for key in COLOR_KEYS
    },
    name="TemplateColors",
)
FontsSchema = _Partial.from_dict(
    {key: _one_of(FONT_FAMILIES, "one of the font families available offline") for key in FONT_ROLES},
    name="TemplateFonts",
)
TimingSchema = _Partial.from_dict(
    {key: _frames(*OVERLAP_RANGE) if key == "transitionOverlap" else _frames() for key in TIMING_KEYS},
    name="TemplateTiming",
)


class TemplateGlobalSchema(_Partial):
    colors = fields.Nested(ColorsSchema)
    fonts = fields.Nested(FontsSchema)
    timing = fields.Nested(TimingSchema)


class IntroTemplateSchema(_Partial):
    layout = _one_of(LAYOUTS["intro"])
    titleFontSize = _ranged("titleFontSize")
    subtitleFontSize = _ranged("subtitleFontSize")
    showYear = StrictBoolean()


class BookRevealTemplateSchema(_Partial):
    layout = _one_of(LAYOUTS["bookReveal"])
    showRatings = StrictBoolean()
    showAuthors = StrictBoolean()
    coverSize = _one_of(COVER_SIZES)
    animationStyle = _one_of(ANIMATION_STYLES)


class StatsRevealTemplateSchema(_Partial):
    layout = _one_of(LAYOUTS["statsReveal"])
    showTotalBooks = StrictBoolean()
    showTotalPages = StrictBoolean()
    showAverageRating = StrictBoolean()
    showTopBook = StrictBoolean()
    animateNumbers = StrictBoolean()


class ComingSoonTemplateSchema(_Partial):
    layout = _one_of(LAYOUTS["comingSoon"])
    showProgress = StrictBoolean()
    maxBooks = _ranged("maxBooks")


class OutroTemplateSchema(_Partial):
    layout = _one_of(LAYOUTS["outro"])
    showBranding = StrictBoolean()
    customText = CustomText(allow_none=True, validate=validate.Length(max=MAX_CUSTOM_TEXT))


class AudioTemplateSchema(_Partial):
    """The soundtrack: a bundled `track` or a `url` (with its `bpm`), and a `volume` (template.ts AUDIO_FIELDS)."""

    track = fields.String(
        validate=validate.Length(max=MAX_TRACK_ID), metadata={"description": "a bundled bed: GET /templates lists them"}
    )
    url = AudioUrl(metadata={"description": "an MP3, AAC, OGG, WAV or FLAC file, at most 10 minutes"})
    bpm = TemplateNumber(
        allow_none=True,
        validate=validate.Range(min=BPM_RANGE[0], max=BPM_RANGE[1], error="must be between {min} and {max}, or null"),
        metadata={"description": "the url track's tempo in beats per minute; null or absent: unknown"},
    )
    volume = TemplateNumber(
        validate=validate.Range(min=VOLUME_RANGE[0], max=VOLUME_RANGE[1], error="must be between {min} and {max}"),
        metadata={"description": "0 (silent) to 1 (-14 LUFS)"},
    )

    @validates_schema
    def _one_source(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "track" in data and "url" in data:
            raise ValidationError("give a track or a url, not both", "url")
        if "bpm" in data and "url" not in data:
            raise ValidationError("is the tempo of a url track: give it with url", "bpm")


class TemplateSchema(_Partial):
    """How the video looks; every field optional, unknown keys ignored (template.ts `Template`)."""

    global_ = fields.Nested(TemplateGlobalSchema, data_key="global")
    intro = fields.Nested(IntroTemplateSchema)
    bookReveal = fields.Nested(BookRevealTemplateSchema)
    statsReveal = fields.Nested(StatsRevealTemplateSchema)
    comingSoon = fields.Nested(ComingSoonTemplateSchema)
    outro = fields.Nested(OutroTemplateSchema)
    audio = fields.Nested(AudioTemplateSchema, allow_none=True)


class TemplateError(ValueError):
    """The template or templateId is invalid; `fields` maps each path to its messages."""

    def __init__(self, fields_: dict[str, list[str]]) -> None:
        super().__init__("invalid template")
        self.fields = fields_


@dataclass(frozen=True)
class LoadedTemplate:
    """A request's template: complete (`resolved`), what the request itself gave (`given`, known fields only, for
    the totals check), and what was ignored in it (`warnings`)."""

    resolved: dict[str, Any]
    given: dict[str, Any]
    warnings: list[str]


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of a JSON value (an object or list counts one level), counted no further than `limit` + 1."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > limit:
                return level
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _known_shape(schema: Schema) -> dict[str, Any]:
    """The keys a schema knows (by their JSON names), with the nested ones' own."""
    shape: dict[str, Any] = {}
    for field in schema.fields.values():
        name = field.data_key or field.name or ""
        shape[name] = _known_shape(field.schema) if isinstance(field, fields.Nested) else None
    return shape


TEMPLATE_SHAPE = _known_shape(TemplateSchema())


def _shown(key: str) -> str:
    key = json.dumps(key)[1:-1]  # control characters and the like as JSON escapes
    return key if len(key) <= MAX_SHOWN_KEY else key[: MAX_SHOWN_KEY - 1] + "\u2026"


def unknown_keys(value: Any, shape: Mapping[str, Any] = TEMPLATE_SHAPE, prefix: str = "template") -> list[str]:
    """Paths of the keys of `value` that a template does not have (they are ignored)."""
    if not isinstance(value, dict):
        return []
    found: list[str] = []
    for key, child in value.items():
        path = f"{prefix}.{_shown(key)}"
        if key not in shape:
            found.append(path)
        elif shape[key] is not None:
            found.extend(unknown_keys(child, shape[key], path))
    return found


def _warnings(raw_template: Mapping[str, Any]) -> list[str]:
    unknown = unknown_keys(raw_template)
    warnings = [f"{path}: unknown key, ignored" for path in unknown[:MAX_WARNINGS]]
    if len(unknown) > MAX_WARNINGS:
        warnings.append(f"and {len(unknown) - MAX_WARNINGS} more unknown keys, ignored")
    return warnings


def _shape_error(raw_template: Any) -> str | None:
    """Why the template cannot even be looked at field by field, or None."""
    if not isinstance(raw_template, dict):
        return "must be a JSON object"
    if _depth(raw_template, MAX_TEMPLATE_DEPTH) > MAX_TEMPLATE_DEPTH:
        return f"is nested deeper than {MAX_TEMPLATE_DEPTH} levels"
    if len(json.dumps(raw_template)) > MAX_TEMPLATE_BYTES:
        return f"is larger than {MAX_TEMPLATE_BYTES // 1024} KiB of JSON"
    return None


def load_template(raw_template: Any, template_id: Any, catalog: TemplateCatalog) -> LoadedTemplate:
    """The request's template, complete; or TemplateError naming every bad field. `None` means absent, for both."""
    errors: dict[str, list[str]] = {}
    preset: Mapping[str, Any] = {}
    if template_id is not None:
        if isinstance(template_id, str) and template_id in catalog.presets:
            preset = catalog.presets[template_id].template
        else:
            shown = _shown(str(template_id))
            errors["templateId"] = [f"unknown template {shown!r}; known: {', '.join(catalog.ids)}"]
    given: dict[str, Any] = {}
    warnings: list[str] = []
    if raw_template is not None:
        shape_error = _shape_error(raw_template)
        if shape_error:
            errors["template"] = [shape_error]
        else:
            warnings = _warnings(raw_template)
            try:
                loaded = TemplateSchema().load(raw_template)
            except ValidationError as error:
                errors.update(flatten_messages(error.messages, "template"))
            else:
                given = {("global" if key == "global_" else key): value for key, value in loaded.items()}
                errors.update(_track_errors(given, catalog))
    if errors:
        raise TemplateError(errors)
    resolved = catalog.resolve(preset, given)
    errors = _total_errors(given, resolved)
    if errors:
        raise TemplateError(errors)
    return LoadedTemplate(resolved, given, warnings)


def _track_errors(given: Mapping[str, Any], catalog: TemplateCatalog) -> dict[str, list[str]]:
    """A `track` must be one of the bundled beds."""
    track = (given.get("audio") or {}).get("track")
    if track is None or track in catalog.tracks:
        return {}
    return {"template.audio.track": [f"unknown track {_shown(track)!r}; known: {', '.join(catalog.tracks)}"]}


def _total_errors(given: Mapping[str, Any], resolved: Mapping[str, Any]) -> dict[str, list[str]]:
    """A `*Total` the request gives that is shorter than its scene's parts (the request's, its preset's or the
    defaults')."""
    errors: dict[str, list[str]] = {}
    given_timing = given.get("global", {}).get("timing", {})
    timing = resolved["global"]["timing"]
    for parts, total in SCENE_TIMING.values():
        if total in given_timing:
            needed = sum(timing[part] for part in parts)
            if given_timing[total] < needed:
                errors[f"template.global.timing.{total}"] = [
                    f"must be at least the sum of its parts ({' + '.join(parts)} = {needed} frames)"
                ]
    return errors


def length_errors(
    recap: Mapping[str, Any], template: Mapping[str, Any], max_video_seconds: float, path: str, shapes: int = 1
) -> dict[str, list[str]]:
    """The video of this recap in this template must last at most MAX_VIDEO_SECONDS (the one duration rule,
    templates.duration_frames), counted over every shape asked for: each shape is a video of its own, rendered in
    the same job, so the job's cost (and the render timeout it must fit) grows with their number. `path` is what
    the error names when one shape alone is too long; `formats` when only the shapes together are."""
    seconds = duration_frames(recap, template) / FPS
    if seconds * shapes <= max_video_seconds:
        return {}
    if seconds <= max_video_seconds:
        return {
            "formats": [
                f"{shapes} shapes of a {seconds:.1f} s video are {seconds * shapes:.1f} s of video to render; at most "
                f"{max_video_seconds:g} s in all (MAX_VIDEO_SECONDS): ask for fewer shapes"
            ]
        }
    return {path: [f"the video would last {seconds:.1f} s; at most {max_video_seconds:g} s (MAX_VIDEO_SECONDS)"]}


__all__ = ["LoadedTemplate", "TemplateError", "TemplateSchema", "length_errors", "load_template"]
