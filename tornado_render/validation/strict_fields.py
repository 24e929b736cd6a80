"""Marshmallow building blocks of the RenderRequest's schemas (schemas.py): fields that take a JSON value only when
it really is of their type, and marshmallow's nested error messages as dotted field paths.

Numbers are strict because a client that sends "5" or true where a number belongs has a bug we should tell it
about, not guess around.
"""

from __future__ import annotations

import numbers
from typing import Any

from marshmallow import fields


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
