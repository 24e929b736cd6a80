"""The CSS colors a template may use: the grammar of remotion/src/template/colors.ts, which the template's JSON
Schema names as `format: css-color` (JSON Schema has no words for numbers in range inside a string), checked here
for the validator (template_validator.py; tests/test_templates.py feeds both sides the same strings).

    #rgb  #rgba  #rrggbb  #rrggbbaa
    rgb(r, g, b)  rgba(r, g, b, a)  rgb(r g b / a)       r, g, b all numbers 0-255 or all percentages 0-100 %
    hsl(h, s%, l%)  hsla(h, s%, l%, a)  hsl(h s% l% / a)   h 0-360 (optionally "deg"), s and l 0-100 %
    a named color (cssColors.json, and transparent)        alpha: a number 0-1 or a percentage 0-100 %

Case does not matter, nor spaces around the value and its arguments; at most 64 characters. Nothing else ever
reaches a style: no url(), var(), calc(), no `;`, no keywords that depend on context (currentcolor, inherit).

The named colors are read from the composition's own list, so the two cannot disagree on a name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..settings import PROJECT_ROOT

MAX_COLOR_LENGTH = 64
NAMED_COLORS = frozenset(json.loads((PROJECT_ROOT / "remotion" / "src" / "template" / "cssColors.json").read_text()))

# ASCII digits only: Python's \d would also take Arabic-Indic digits, which JavaScript's does not.
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\Z")
_HEX = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})\Z")
_FUNCTION = re.compile(r"(rgba?|hsla?)\(([^()]*)\)\Z")
# JavaScript's \s and what String.prototype.trim removes (colors.ts splits and trims with them; Python's own
# whitespace differs on a few characters).
_JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SPACES = re.compile(f"[{re.escape(_JS_SPACE)}]+")
_TOKEN = re.compile(f"[^{re.escape(_JS_SPACE)}]+\\Z")


def _trim(text: str) -> str:
    return text.strip(_JS_SPACE)


def _number(token: str, suffix: str = "") -> float | None:
    """A number token, or None; `suffix` ('%' or 'deg') is removed first when the token has it."""
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
    """The three components and the alpha of a functional color's arguments (comma or space syntax), or None."""
    if "," in body:
        parts = [_trim(part) for part in body.split(",")]
        if len(parts) not in (3, 4) or not all(_TOKEN.match(part) for part in parts):
            return None
        return parts[:3], (parts[3] if len(parts) == 4 else None)
    halves = body.split("/")
    if len(halves) > 2:
        return None
    values = _SPACES.split(_trim(halves[0]))
    alpha = _trim(halves[1]) if len(halves) == 2 else None
    if len(values) != 3 or (alpha is not None and not _TOKEN.match(alpha)):
        return None
    return values, alpha


def is_css_color(value: Any) -> bool:
    """Whether `value` is a color of the grammar above (colors.ts parseCssColor(value) !== null)."""
    if not isinstance(value, str) or len(value.encode("utf-16-le", "surrogatepass")) > 2 * MAX_COLOR_LENGTH:
        return False
    text = _trim(value).lower()
    if _HEX.match(text) or text in NAMED_COLORS:
        return True
    match = _FUNCTION.match(text)
    if match is None:
        return False
    args = _arguments(_trim(match.group(2)))
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
