"""The validator of a template: jsonschema's, over the JSON Schema exported from template.ts
(template_shape.TEMPLATE_SCHEMA), read the way JavaScript reads the schema's source (template.ts is written in
zod, and the composition checks a template with it):

- a length (`maxLength`) is counted in UTF-16 code units, as a JavaScript string's `length` (an emoji is two);
- a number is finite (JSON from Python may hold NaN or Infinity; zod refuses them), and true is not a number;
- `format: css-color` is the grammar of colors.ts, in css_colors.py (JSON Schema has no words for ranges inside a
  string);
- text that must match a `pattern` must be Unicode text: a lone surrogate (which Python's `re` and JavaScript's
  RegExp read differently) is refused before the pattern is tried.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator

from ..template_shape import TEMPLATE_SCHEMA
from .css_colors import is_css_color

LONE_SURROGATE = "has a lone surrogate"
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _is_number(_checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    return isinstance(instance, int) or (isinstance(instance, float) and math.isfinite(instance))


def _is_integer(checker: Any, instance: Any) -> bool:
    return _is_number(checker, instance) and (isinstance(instance, int) or instance.is_integer())


def _max_length(validator: Validator, limit: int, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if isinstance(instance, str) and utf16_length(instance) > limit:
        yield ValidationError(f"is longer than {limit} UTF-16 code units")


def _pattern(validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if not isinstance(instance, str):
        return
    if _LONE_SURROGATE.search(instance):
        yield ValidationError(LONE_SURROGATE)
    elif re.search(pattern, instance) is None:
        yield ValidationError(f"does not match {pattern!r}")


_TYPES = Draft202012Validator.TYPE_CHECKER.redefine_many({"number": _is_number, "integer": _is_integer})
_FORMATS = FormatChecker(formats=())
_FORMATS.checks("css-color")(is_css_color)

TemplateValidator = validators.extend(  # type: ignore[no-untyped-call]  # jsonschema's extend has no annotations
    Draft202012Validator, {"maxLength": _max_length, "pattern": _pattern}, type_checker=_TYPES
)
TEMPLATE_VALIDATOR = TemplateValidator(TEMPLATE_SCHEMA, format_checker=_FORMATS)
