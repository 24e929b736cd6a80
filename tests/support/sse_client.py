"""A small, strict SSE client over http.client: reads the stream as it arrives, with a timeout on every read.

It records events and comments (keepalives) in arrival order, with arrival times, so tests can assert the exact
sequence a browser would see.
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote


@dataclass
class Event:
    name: str
    data: Any
    id: str | None
    at: float


@dataclass
class Stream:
    status: int
    headers: dict[str, str]
    events: list[Event] = field(default_factory=list)
    comments: list[tuple[str, float]] = field(default_factory=list)
    retry: int | None = None
    body: bytes = b""
    started: float = 0.0
    response: http.client.HTTPResponse | None = None
    connection: http.client.HTTPConnection | None = None

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def progress(self) -> list[int]:
        return [event.data["progress"] for event in self.events if event.name == "progress"]

    @property
    def names(self) -> list[str]:
        return [event.name for event in self.events]

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def stream_url(payload: Any) -> str:
    return "/render-stream?data=" + quote(json.dumps(payload), safe="")


def open_stream(port: int, path: str, *, timeout: float = 30.0, headers: dict[str, str] | None = None) -> Stream:
    """Send the request and read the status line and headers; events are read by `read_events`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.monotonic()
    connection.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
    response = connection.getresponse()
    stream = Stream(response.status, {k.lower(): v for k, v in response.getheaders()}, started=started)
    stream.response = response
    stream.connection = connection
    if response.status != 200 or not stream.headers.get("content-type", "").startswith("text/event-stream"):
        stream.body = response.read()
        connection.close()
    return stream


def read_events(
    stream: Stream, *, until: str | None = None, count: int | None = None, comments: int | None = None
) -> Stream:
    """Read until the stream ends, or an event named `until` arrives, or `count` events, or `comments` comments."""
    response = stream.response
    assert response is not None
    fields: dict[str, str] = {}
    data_lines: list[str] = []
    while True:
        raw = response.readline()
        if not raw:
            stream.close()
            return stream
        line = raw.decode("utf-8").rstrip("\n").rstrip("\r")
        if line == "":
            if data_lines or "event" in fields:
                text = "\n".join(data_lines)
                event = Event(
                    fields.get("event", "message"),
                    json.loads(text) if text else None,
                    fields.get("id"),
                    time.monotonic(),
                )
                stream.events.append(event)
                if event.name == until or (count is not None and len(stream.events) >= count):
                    return stream
            fields, data_lines = {}, []
            continue
        if line.startswith(":"):
            stream.comments.append((line[1:].strip(), time.monotonic()))
            if comments is not None and len(stream.comments) >= comments:
                return stream
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data_lines.append(value)
        elif name == "retry":
            stream.retry = int(value)
        else:
            fields[name] = value


def run_stream(port: int, payload: Any, *, timeout: float = 60.0, headers: dict[str, str] | None = None) -> Stream:
    """The whole stream for one request, read to its end."""
    stream = open_stream(port, stream_url(payload), timeout=timeout, headers=headers)
    if stream.status == 200 and stream.response is not None:
        read_events(stream)
    return stream
