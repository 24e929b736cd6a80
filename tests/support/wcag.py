"""WCAG 2.x contrast, written out here from the specification and nothing else, so the tests of the palette module
(remotion/src/palette/) check its figures instead of trusting them.

Relative luminance: https://www.w3.org/TR/WCAG21/#dfn-relative-luminance (sRGB channels linearised with the 0.04045
threshold: the sRGB standard's value; WCAG 2.x's 0.03928 differs from it in no 8-bit colour). Contrast ratio:
(L1 + 0.05) / (L2 + 0.05), the lighter over the darker. A translucent foreground is composited over its
background first; backgrounds are opaque. Colours here are hex only (#rgb, #rrggbb, #rrggbbaa), which is all the
presets and the palette module write.
"""

from __future__ import annotations

import re

_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")

RGBA = tuple[float, float, float, float]


def parse_hex(color: str) -> RGBA:
    """(r, g, b) 0-255 and alpha 0-1 of a hex colour."""
    match = _HEX.match(color.strip())
    if not match:
        raise ValueError(f"not a hex colour: {color!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
    return (r, g, b, alpha)


def _linear(channel: float) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(r: float, g: float, b: float) -> float:
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(foreground: str, background: str) -> float:
    """The contrast ratio of `foreground` drawn on the opaque `background`."""
    fr, fg, fb, alpha = parse_hex(foreground)
    br, bg, bb, _ = parse_hex(background)
    shown = (fr * alpha + br * (1 - alpha), fg * alpha + bg * (1 - alpha), fb * alpha + bb * (1 - alpha))
    lighter, darker = sorted((luminance(*shown), luminance(br, bg, bb)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def chroma(color: str) -> int:
    """max - min of the channels: 0 for greys."""
    r, g, b, _ = parse_hex(color)
    return int(max(r, g, b) - min(r, g, b))
