"""jsonschema's errors about a template, in the words this server has always used (clients and tests read them):
one message per bad field, keyed by its dotted path (`template.global.colors.accent`).

A field can fail several keywords at once (a URL too long and with a newline); the message is the first that a
reader needs, in the order of `_RANK`. The words are marshmallow's for a wrong type ("Not a valid string.") and
this server's own for the rest. The audio section's own rules (not a track and a url, no bpm without a url) are
reported only when its fields are fine, at the field that makes the combination wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

from jsonschema import ValidationError

from ..template_shape import TEMPLATE, is_nullable, properties, resolved
from .template_validator import LONE_SURROGATE

COLOR_MESSAGE = (
    "must be a CSS color: #rgb, #rrggbb (or with alpha), rgb()/rgba()/hsl()/hsla() with numbers in range,"
    " or a color name"
)
NULL_MESSAGE = "Field may not be null."
TYPE_MESSAGES = {
    "string": "Not a valid string.",
    "boolean": "Not a valid boolean.",
    "number": "Not a valid number.",
    "integer": "Not a valid integer.",
    "object": "Invalid input type.",
}
# The audio section's rules, at the field each one names.
AUDIO_RULES = {
    "not": ("url", "give a track or a url, not both"),
    "dependentRequired": ("bpm", "is the tempo of a url track: give it with url"),
}
_RANK = ["type", LONE_SURROGATE, "control", "maxLength", "pattern", "format", "enum", "minimum", "maximum"]


def _field_schema(path: tuple[Any, ...]) -> dict[str, Any]:
    schema = TEMPLATE
    for key in path:
        schema = resolved(properties(schema)[key])
    return schema


def _kind(error: ValidationError) -> str:
    """The keyword an error is about; a pattern that refuses control characters, or a lone surrogate, apart."""
    if error.message == LONE_SURROGATE:
        return LONE_SURROGATE
    if error.validator == "pattern" and "\\u0000" in str(error.validator_value):
        return "control"
    return str(error.validator)


def _leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """The errors of the fields themselves: a nullable field's failure is its non-null branch's."""
    for error in errors:
        if error.validator == "anyOf":
            branches: list[Any] = cast(list[Any], error.validator_value)
            null = {index for index, branch in enumerate(branches) if branch == {"type": "null"}}
            yield from _leaves(found for found in error.context or [] if found.relative_schema_path[0] not in null)
        else:
            yield error


def _message(path: tuple[Any, ...], errors: list[ValidationError]) -> str:
    schema = _field_schema(path)
    if errors[0].instance is None:
        return NULL_MESSAGE
    if schema.get("format") == "css-color":
        return COLOR_MESSAGE
    error = min(errors, key=lambda error: _RANK.index(_kind(error)) if _kind(error) in _RANK else len(_RANK))
    kind, name = _kind(error), path[-1]
    if kind == "type":
        return TYPE_MESSAGES[str(error.validator_value)]
    if kind == LONE_SURROGATE:
        return "must be Unicode text (it has a lone surrogate)"
    if kind == "control":
        return (
            "must be one line without control characters"
            if name == "customText"
            else "must not contain control characters"
        )
    if kind == "maxLength":
        if name == "customText":
            return f"must be at most {error.validator_value} characters (UTF-16 code units)"
        if name == "url":
            return f"must be at most {error.validator_value} characters"
        return f"Longer than maximum length {error.validator_value}."
    if kind == "pattern":
        return "must be an http or https URL"
    if kind == "enum":
        what = "one of the font families available offline" if path[:2] == ("global", "fonts") else "one of"
        return f"must be {what}: {', '.join(schema['enum'])}"
    if kind in ("minimum", "maximum"):
        unit = " frames" if path[:2] == ("global", "timing") else ""
        nullable = ", or null" if is_nullable(_field_schema(path[:-1])["properties"][name]) else ""
        return f"must be between {schema['minimum']} and {schema['maximum']}{unit}{nullable}"
    return f"is invalid ({error.message})"


def template_errors(errors: Iterable[ValidationError], prefix: str = "template") -> dict[str, list[str]]:
    """jsonschema's errors about a template as {dotted path: [message]}, in the order the schema names the fields."""
    by_path: dict[tuple[Any, ...], list[ValidationError]] = {}
    rules: dict[tuple[Any, ...], list[ValidationError]] = {}
    for error in _leaves(errors):
        path = tuple(error.absolute_path)
        (rules if error.validator in AUDIO_RULES else by_path).setdefault(path, []).append(error)
    messages = {".".join([prefix, *map(str, path)]): [_message(path, found)] for path, found in by_path.items()}
    for path, found in rules.items():
        if any(bad[: len(path)] == path for bad in by_path):
            continue  # the section's own fields are wrong first (or it is not an object at all)
        field, message = min((AUDIO_RULES[str(error.validator)] for error in found), key=lambda rule: rule[0] != "url")
        messages[".".join([prefix, *map(str, path), field])] = [message]
    return messages
