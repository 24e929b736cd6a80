"""The `template` and `templateId` of a RenderRequest: checked before any work, then resolved into the complete
template the video is drawn with (templates.py).

The fields are checked by the one definition of a template: the JSON Schema exported from template.ts
(template_shape.py), by jsonschema (template_validator.py), its errors in this server's words
(template_messages.py). Every field is optional; a partial template is laid over its preset (`templateId`, default
`default`), which is laid over the defaults. Unknown keys are ignored for forward compatibility and named in the
warnings (`template.global.foo: unknown key, ignored`). Errors name the field path (`template.global.colors.accent`).

What stays here is what a schema of fields cannot say. Order of checks, cheapest first: the template's shape (an
object, at most MAX_TEMPLATE_DEPTH levels and MAX_TEMPLATE_BYTES of JSON: the request limits already bound it, but
a template has no business being large), its fields, a `track` among this server's beds, then what depends on the
whole: a `*Total` the request gives must be at least the sum of its (resolved) parts, and the video of this recap
no longer than MAX_VIDEO_SECONDS.

Numbers are kept as JavaScript sees them: 220.0 is 220 (JSON from a browser never says 220.0), so a template means
the same job whichever way a client spells its numbers. Text is measured in UTF-16 code units, as template.ts
measures it, so a `customText` the server accepts is one the composition draws.

Whether a URL's track can be used is decided when it is fetched (render/audio_source.py): a track that cannot is a
warning and a silent video, never a 400.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from .. import template_shape
from ..templates import FPS, SCENE_TIMING, TemplateCatalog, duration_frames
from .template_messages import template_errors
from .template_validator import TEMPLATE_VALIDATOR

MAX_TEMPLATE_BYTES = 8 * 1024
MAX_TEMPLATE_DEPTH = 4
MAX_WARNINGS = 20
MAX_SHOWN_KEY = 60


def _known_shape(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The keys an object schema knows, with the nested objects' own (None for a value)."""
    shape: dict[str, Any] = {}
    for key, field in template_shape.properties(dict(schema)).items():
        nested = template_shape.resolved(field)
        shape[key] = _known_shape(nested) if "properties" in nested else None
    return shape


TEMPLATE_SHAPE = _known_shape(template_shape.TEMPLATE)


def _as_javascript(value: Any) -> Any:
    """A JSON number as JavaScript holds it: an integral float is that integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _known_fields(value: Mapping[str, Any], shape: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a valid template that it knows, in the schema's order, numbers as JavaScript holds them."""
    known: dict[str, Any] = {}
    for key, nested in shape.items():
        if key in value:
            child = value[key]
            known[key] = (
                _known_fields(child, nested) if nested is not None and child is not None else _as_javascript(child)
            )
    return known


class TemplateSchema:
    """The template's fields checked against template.schema.json, as a schema to `load` a template with: the
    template's known fields, or marshmallow's ValidationError (the request's other schemas' error) naming each bad
    field by its path under `template`."""

    def load(self, raw_template: Mapping[str, Any]) -> dict[str, Any]:
        errors = template_errors(TEMPLATE_VALIDATOR.iter_errors(raw_template), prefix="template")
        if errors:
            raise ValidationError(errors)
        return _known_fields(raw_template, TEMPLATE_SHAPE)


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
                given = TemplateSchema().load(raw_template)
            except ValidationError as error:
                errors.update(error.messages_dict)
            else:
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


def _total_errors(given: Mapping[str, Any], complete: Mapping[str, Any]) -> dict[str, list[str]]:
    """A `*Total` the request gives that is shorter than its scene's parts (the request's, its preset's or the
    defaults')."""
    errors: dict[str, list[str]] = {}
    given_timing = given.get("global", {}).get("timing", {})
    timing = complete["global"]["timing"]
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


__all__ = ["TEMPLATE_SHAPE", "LoadedTemplate", "TemplateError", "TemplateSchema", "length_errors", "load_template"]
