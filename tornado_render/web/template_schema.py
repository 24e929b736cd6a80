"""The `template` and `templateId` of a RenderRequest: checked before any work, then resolved into the complete
template the video is drawn with (templates.py).

The marshmallow schemas mirror remotion/src/template/template.ts (tests/test_templates.py compares the two). Every
field is optional; a partial template is laid over its preset (`templateId`, default `default`), which is laid over
the defaults. Unknown keys are ignored for forward compatibility and named in the warnings (`template.global.foo:
unknown key, ignored`). Errors name the field path (`template.global.colors.accent`).

Order of checks, cheapest first: the template's shape (an object, at most MAX_TEMPLATE_DEPTH levels and
MAX_TEMPLATE_BYTES of JSON: the request limits already bound it, but a template has no business being large), its
fields, then what depends on the whole: a `*Total` given must be at least the sum of its (resolved) parts,
`transitionOverlap` must be shorter than every scene of this video, and the video no longer than MAX_VIDEO_SECONDS.

Colors follow a small grammar (the same in remotion/src/template/colors.ts): hex, rgb()/rgba()/hsl()/hsla() with
numbers in range, or a named color. Nothing else reaches a style: no url(), var(), `;` or keywords.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..settings import PROJECT_ROOT
from ..templates import (
    ANIMATION_STYLES,
    COLOR_KEYS,
    COVER_SIZES,
    DEFAULT_PRESET,
    FONT_FAMILIES,
    FONT_ROLES,
    FPS,
    LAYOUTS,
    MAX_CUSTOM_TEXT,
    NUMBER_RANGES,
    OVERLAP_RANGE,
    SCENE_TIMING,
    TIMING_KEYS,
    TIMING_RANGE,
    TemplateCatalog,
    duration_frames,
    scene_lengths,
)
from .schemas import StrictInteger, StrictNumber, flatten_messages

MAX_TEMPLATE_BYTES = 8 * 1024
MAX_TEMPLATE_DEPTH = 4
MAX_COLOR_LENGTH = 64
MAX_WARNINGS = 20

NAMED_COLORS = frozenset(json.loads((PROJECT_ROOT / "remotion" / "src" / "template" / "cssColors.json").read_text()))
_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?|\.\d+)\Z")
_HEX = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})\Z")
_FUNCTION = re.compile(r"(rgba?|hsla?)\(([^()]*)\)\Z")
_TOKEN = re.compile(r"\S+\Z")


def _number(token: str, suffix: str = "") -> float | None:
    body = token[: -len(suffix)] if suffix and token.endswith(suffix) else token
    return float(body) if _NUMBER.match(body) else None


def _in_range(value: float | None, top: float) -> bool:
    return value is not None and 0 <= value <= top


def _alpha_ok(token: str | None) -> bool:
    if token is None:
        return True
    if token.endswith("%"):
        return _in_range(_number(token, "%"), 100)
    return _in_range(_number(token), 1)


def _arguments(body: str) -> tuple[list[str], str | None] | None:
    if "," in body:
        parts = [part.strip() for part in body.split(",")]
        if len(parts) not in (3, 4) or not all(_TOKEN.match(part) for part in parts):
            return None
        return parts[:3], (parts[3] if len(parts) == 4 else None)
    halves = body.split("/")
    if len(halves) > 2:
        return None
    values = halves[0].split()
    alpha = halves[1].strip() if len(halves) == 2 else None
    if len(values) != 3 or (alpha is not None and not _TOKEN.match(alpha)):
        return None
    return values, alpha


def is_css_color(value: Any) -> bool:
    """Whether `value` is a color of the grammar above (colors.ts parseCssColor, which tests compare with this)."""
    if not isinstance(value, str) or len(value) > MAX_COLOR_LENGTH:
        return False
    text = value.strip().lower()
    if _HEX.match(text) or text in NAMED_COLORS:
        return True
    match = _FUNCTION.match(text)
    if match is None:
        return False
    args = _arguments(match.group(2).strip())
    if args is None or not _alpha_ok(args[1]):
        return False
    values = args[0]
    if match.group(1).startswith("rgb"):
        percent = all(token.endswith("%") for token in values)
        return all(_in_range(_number(token, "%" if percent else ""), 100 if percent else 255) for token in values)
    hue, saturation, lightness = values
    return (
        _in_range(_number(hue, "deg"), 360)
        and saturation.endswith("%")
        and _in_range(_number(saturation, "%"), 100)
        and lightness.endswith("%")
        and _in_range(_number(lightness, "%"), 100)
    )


class CssColor(fields.String):
    """A CSS color of the grammar above."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not is_css_color(value):
            raise ValidationError(
                "must be a CSS color: #rgb, #rrggbb (or with alpha), rgb()/rgba()/hsl()/hsla() with numbers in range,"
                " or a color name"
            )
        return str(value)


class FontFamily(fields.String):
    """One of the bundled families a template may name (fonts are never fetched at render time)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value not in FONT_FAMILIES:
            raise ValidationError(
                f"must be a font family available offline: {', '.join(FONT_FAMILIES)} (got {str(value)[:60]!r})"
            )
        return str(value)


class StrictBoolean(fields.Boolean):
    """true or false, nothing that merely looks like one ("true", 1)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class _Partial(Schema):
    class Meta:
        unknown = EXCLUDE


def _layout(section: str) -> fields.String:
    return fields.String(validate=validate.OneOf(LAYOUTS[section]))


def _ranged(name: str) -> fields.Field:
    low, high, integer = NUMBER_RANGES[name]
    field_class = StrictInteger if integer else StrictNumber
    return field_class(validate=validate.Range(min=low, max=high))


def _frames(low: int = TIMING_RANGE[0], high: int = TIMING_RANGE[1]) -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=low, max=high), metadata={"description": "frames at 30 fps"})


ColorsSchema = _Partial.from_dict({key: CssColor() for key in COLOR_KEYS}, name="TemplateColors")
FontsSchema = _Partial.from_dict({key: FontFamily() for key in FONT_ROLES}, name="TemplateFonts")
TimingSchema = _Partial.from_dict(
    {key: _frames(*OVERLAP_RANGE) if key == "transitionOverlap" else _frames() for key in TIMING_KEYS},
    name="TemplateTiming",
)


class TemplateGlobalSchema(_Partial):
    colors = fields.Nested(ColorsSchema)
    fonts = fields.Nested(FontsSchema)
    timing = fields.Nested(TimingSchema)


class IntroTemplateSchema(_Partial):
    layout = _layout("intro")
    titleFontSize = _ranged("titleFontSize")
    subtitleFontSize = _ranged("subtitleFontSize")
    showYear = StrictBoolean()


class BookRevealTemplateSchema(_Partial):
    layout = _layout("bookReveal")
    showRatings = StrictBoolean()
    showAuthors = StrictBoolean()
    coverSize = fields.String(validate=validate.OneOf(COVER_SIZES))
    animationStyle = fields.String(validate=validate.OneOf(ANIMATION_STYLES))


class StatsRevealTemplateSchema(_Partial):
    layout = _layout("statsReveal")
    showTotalBooks = StrictBoolean()
    showTotalPages = StrictBoolean()
    showAverageRating = StrictBoolean()
    showTopBook = StrictBoolean()
    animateNumbers = StrictBoolean()


class ComingSoonTemplateSchema(_Partial):
    layout = _layout("comingSoon")
    showProgress = StrictBoolean()
    maxBooks = _ranged("maxBooks")


class OutroTemplateSchema(_Partial):
    layout = _layout("outro")
    showBranding = StrictBoolean()
    customText = fields.String(allow_none=True, validate=validate.Length(max=MAX_CUSTOM_TEXT))


class TemplateSchema(_Partial):
    """How the video looks; every field optional (template.ts `Template`)."""

    global_ = fields.Nested(TemplateGlobalSchema, data_key="global")
    intro = fields.Nested(IntroTemplateSchema)
    bookReveal = fields.Nested(BookRevealTemplateSchema)
    statsReveal = fields.Nested(StatsRevealTemplateSchema)
    comingSoon = fields.Nested(ComingSoonTemplateSchema)
    outro = fields.Nested(OutroTemplateSchema)


class TemplateError(ValueError):
    """The template or templateId is invalid; `fields` maps each path to its messages."""

    def __init__(self, fields_: dict[str, list[str]]) -> None:
        super().__init__("invalid template")
        self.fields = fields_


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


def unknown_keys(value: Any, shape: Mapping[str, Any] = TEMPLATE_SHAPE, prefix: str = "template") -> list[str]:
    """Paths of the keys of `value` that a template does not have (they are ignored)."""
    if not isinstance(value, dict):
        return []
    found: list[str] = []
    for key, child in value.items():
        path = f"{prefix}.{key}"
        if key not in shape:
            found.append(path)
        elif shape[key] is not None:
            found.extend(unknown_keys(child, shape[key], path))
    return found


def load_template(
    raw_template: Any,
    template_id: Any,
    recap: Mapping[str, Any] | None,
    catalog: TemplateCatalog,
    max_video_seconds: float,
) -> tuple[dict[str, Any], list[str]]:
    """The complete template of a request, and its warnings; or TemplateError naming every bad field. `recap` is
    the validated recap (None when it was invalid: the checks that need it are skipped)."""
    errors: dict[str, list[str]] = {}
    preset: Mapping[str, Any] = {}
    if template_id is not None:
        if not isinstance(template_id, str) or template_id not in catalog.presets:
            shown = str(template_id)[:60]
            errors["templateId"] = [f"unknown template {shown!r}; known: {', '.join(catalog.ids)}"]
        else:
            preset = catalog.presets[template_id].template
    template: dict[str, Any] = {}
    warnings: list[str] = []
    if raw_template is not None:
        if not isinstance(raw_template, dict):
            errors["template"] = ["must be a JSON object"]
        elif _depth(raw_template, MAX_TEMPLATE_DEPTH) > MAX_TEMPLATE_DEPTH:
            errors["template"] = [f"is nested deeper than {MAX_TEMPLATE_DEPTH} levels"]
        elif len(json.dumps(raw_template)) > MAX_TEMPLATE_BYTES:
            errors["template"] = [f"is larger than {MAX_TEMPLATE_BYTES // 1024} KiB"]
        else:
            warnings = [f"{path}: unknown key, ignored" for path in unknown_keys(raw_template)][:MAX_WARNINGS]
            try:
                template = TemplateSchema().load(raw_template)
            except ValidationError as error:
                errors.update(flatten_messages(error.messages, "template"))
    if errors:
        raise TemplateError(errors)
    layer = {("global" if key == "global_" else key): value for key, value in template.items()}
    resolved = catalog.resolve(preset, layer)
    errors = _whole_template_errors(layer, resolved, recap, max_video_seconds)
    if errors:
        raise TemplateError(errors)
    return resolved, warnings


def _whole_template_errors(
    layer: Mapping[str, Any], resolved: Mapping[str, Any], recap: Mapping[str, Any] | None, max_video_seconds: float
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    given = layer.get("global", {}).get("timing", {})
    timing = resolved["global"]["timing"]
    for parts, total in SCENE_TIMING.values():
        if total in given:
            needed = sum(timing[part] for part in parts)
            if given[total] < needed:
                errors[f"template.global.timing.{total}"] = [
                    f"must be at least the sum of its parts ({' + '.join(parts)} = {needed})"
                ]
    if recap is None or errors:
        return errors
    shortest = min(scene_lengths(recap, resolved))
    if timing["transitionOverlap"] >= shortest:
        errors["template.global.timing.transitionOverlap"] = [
            f"must be shorter than every scene of this video (the shortest lasts {shortest} frames)"
        ]
        return errors
    seconds = duration_frames(recap, resolved) / FPS
    if seconds > max_video_seconds:
        errors["template.global.timing"] = [
            f"would make a {seconds:g} s video; at most {max_video_seconds:g} s (MAX_VIDEO_SECONDS)"
        ]
    return errors


__all__ = ["DEFAULT_PRESET", "TemplateError", "TemplateSchema", "is_css_color", "load_template"]
