"""A batch body cut into its items as it arrives, never held whole: a JSON array or NDJSON, by Content-Type.

Only one item's bytes are buffered at a time (at most `max_item_bytes`, POST /render's body limit). The array is
scanned, not parsed: an item ends at a `,` or the closing `]` outside any string and at nesting depth 0; each item's
bytes are then parsed and validated on their own (intake.py), so a bad item is named by its index and the rest of
the body is still read. `"` and `\\` never occur inside a multi-byte UTF-8 sequence, so scanning bytes is exact.
"""

from __future__ import annotations

import re
from typing import Protocol

_WHITESPACE = b" \t\r\n"
_IN_STRING = re.compile(rb'["\\]')
_OUTSIDE = re.compile(rb'["\[\]{},]')


class BatchFormatError(ValueError):
    """The body is not a JSON array (or NDJSON) of items; `index` is the item being read when it went wrong."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


class ItemSplitter(Protocol):
    def feed(self, chunk: bytes) -> list[bytes]:
        """The items completed by `chunk`, in order (BatchFormatError when the body cannot be a batch)."""
        ...

    def close(self) -> list[bytes]:
        """The last items, once the body has ended."""
        ...


def _too_large(index: int, max_item_bytes: int) -> BatchFormatError:
    return BatchFormatError(index, f"item {index} is larger than {max_item_bytes // 1024} KiB")


class NdjsonItems:
    """One item a line; blank lines are skipped."""

    def __init__(self, max_item_bytes: int) -> None:
        self.max_item_bytes = max_item_bytes
        self.count = 0
        self._line = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        self._line += chunk
        lines = self._line.split(b"\n")
        self._line = bytearray(lines.pop())
        items = [bytes(line) for line in lines if line.strip(_WHITESPACE)]
        for item in items:
            if len(item) > self.max_item_bytes:
                raise _too_large(self.count, self.max_item_bytes)
            self.count += 1
        if len(self._line) > self.max_item_bytes:
            raise _too_large(self.count, self.max_item_bytes)
        return items

    def close(self) -> list[bytes]:
        last, self._line = bytes(self._line), bytearray()
        if not last.strip(_WHITESPACE):
            return []
        self.count += 1
        return [last]


class ArrayItems:
    """The elements of one top-level JSON array."""

    def __init__(self, max_item_bytes: int) -> None:
        self.max_item_bytes = max_item_bytes
        self.count = 0
        self._buffer = bytearray()
        self._state = "before"  # before the `[`, inside the array, or after its `]`
        self._scanned = 0  # where scanning resumes in the buffer (which starts at the current item)
        self._depth = 0
        self._in_string = False

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer += chunk
        items: list[bytes] = []
        while True:
            if self._state == "before":
                stripped = self._buffer.lstrip(_WHITESPACE + b"\xef\xbb\xbf")
                if not stripped:
                    self._buffer = bytearray()
                    return items
                if stripped[:1] != b"[":
                    raise BatchFormatError(0, "the body is not a JSON array: it must start with [")
                self._buffer = bytearray(stripped[1:])
                self._state = "inside"
            elif self._state == "inside":
                item = self._next_item()
                if item is None:
                    if len(self._buffer) > self.max_item_bytes:
                        raise _too_large(self.count, self.max_item_bytes)
                    return items
                if item:
                    items.append(item)
                    self.count += 1
                elif self.count:  # `[]` is an empty batch; `[1,]` is not
                    raise BatchFormatError(self.count, f"item {self.count} is empty (a comma before the closing ]?)")
            else:
                if self._buffer.strip(_WHITESPACE):
                    raise BatchFormatError(self.count, "there is more after the array's closing ]")
                self._buffer = bytearray()
                return items

    def _next_item(self) -> bytes | None:
        """The next element's bytes when its end is in the buffer (b'' for `[]`), else None."""
        buffer = self._buffer
        position = self._scanned
        while True:
            found = (_IN_STRING if self._in_string else _OUTSIDE).search(buffer, position)
            if found is None:
                self._scanned = len(buffer)
                return None
            position = found.start()
            byte = bytes(buffer[position : position + 1])
            if self._in_string:
                if byte == b"\\":
                    if position + 1 >= len(buffer):
                        self._scanned = position
                        return None
                    position += 2
                    continue
                self._in_string = False
            elif byte == b'"':
                self._in_string = True
            elif byte in (b"[", b"{"):
                self._depth += 1
            elif byte == b"}" or (byte == b"]" and self._depth > 0):
                self._depth -= 1
            elif self._depth == 0:  # a `,` or the array's `]`
                item = bytes(buffer[:position]).strip(_WHITESPACE)
                self._buffer = bytearray(buffer[position + 1 :])
                self._scanned = 0
                if byte == b"]":
                    self._state = "after"
                elif not item:
                    raise BatchFormatError(self.count, f"item {self.count} is empty (two commas in a row?)")
                return item
            position += 1

    def close(self) -> list[bytes]:
        if self._state == "before":
            raise BatchFormatError(0, "the body is empty; expected a JSON array of RenderRequests")
        if self._state == "inside":
            raise BatchFormatError(self.count, f"the array ends before its closing ] (in item {self.count})")
        return []


def splitter_for(content_type: str, max_item_bytes: int) -> ItemSplitter | None:
    """The splitter for a Content-Type: application/json (an array), application/x-ndjson or application/ndjson;
    None for any other."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        return ArrayItems(max_item_bytes)
    if kind in ("application/x-ndjson", "application/ndjson", "application/jsonl"):
        return NdjsonItems(max_item_bytes)
    return None
