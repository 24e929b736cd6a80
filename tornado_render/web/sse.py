"""Server-Sent Events wire format, as pure functions returning bytes.

Data is always one line of compact JSON, so an event never needs multi-line `data:` fields. A keepalive is an SSE
comment (`: keepalive`), which EventSource ignores but which keeps proxies from timing the connection out.
"""

from __future__ import annotations

import json
from typing import Any

KEEPALIVE = b": keepalive\n\n"


def encode_data(data: Any) -> str:
    """Compact JSON with non-ASCII kept as is (EventSource decodes the stream as UTF-8)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def format_event(event: str, data: Any, *, event_id: int | str | None = None, retry_ms: int | None = None) -> bytes:
    """One SSE event: optional `id:` and `retry:` lines, the `event:` name, a JSON `data:` line, a blank line."""
    if "\n" in event or "\r" in event:
        raise ValueError(f"an event name cannot contain a line break: {event!r}")
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if retry_ms is not None:
        lines.append(f"retry: {int(retry_ms)}")
    lines.append(f"event: {event}")
    lines.append(f"data: {encode_data(data)}")
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def format_comment(text: str) -> bytes:
    """An SSE comment line; ignored by EventSource."""
    return "".join(f": {line}\n" for line in text.splitlines() or [""]).encode("utf-8") + b"\n"


def format_retry(milliseconds: int) -> bytes:
    """Tells EventSource how long to wait before reconnecting; dispatches no event."""
    return f"retry: {int(milliseconds)}\n\n".encode()
