"""A render job: the unit of work, and the log of events every attached client sees.

A job is identified by the hash of its canonical request, so identical requests share one render. Its events are
kept in order with ids; a stream that attaches late, or reconnects with `Last-Event-ID`, replays the ones it missed
and then follows live ones, so every client sees the same sequence with no gap and no repeat.

Event ids are `<instance>.<seq>`, and the terminal event's id ends in `.end`: a browser that reconnects holding a
terminal id already has the outcome and is told to stop (HTTP 204), even after the job itself has been forgotten.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .sse import format_event

TERMINAL_EVENTS = frozenset({"complete", "error"})
TERMINAL_SUFFIX = ".end"


class JobState(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED)


@dataclass(frozen=True)
class JobEvent:
    id: str
    seq: int
    name: str
    data: dict[str, Any]

    @property
    def terminal(self) -> bool:
        return self.name in TERMINAL_EVENTS

    @functools.cached_property
    def wire(self) -> bytes:
        """The event as SSE bytes, encoded once however many streams carry it."""
        return format_event(self.name, self.data, event_id=self.id)


def canonical_request(request: dict[str, Any]) -> str:
    """The request as sorted compact JSON: equal requests give equal strings, whatever their key order."""
    return json.dumps(
        {"userId": request["userId"], "data": request["data"], "options": {}},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def job_key(request: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_request(request).encode("utf-8")).hexdigest()


def is_terminal_event_id(event_id: str) -> bool:
    return event_id.endswith(TERMINAL_SUFFIX)


Listener = Callable[[JobEvent], None]


@dataclass(eq=False)
class Job:
    key: str
    request: dict[str, Any]
    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    state: JobState = JobState.QUEUED
    created_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None
    events: list[JobEvent] = field(default_factory=list)
    result: dict[str, Any] | None = None
    error: str | None = None
    error_kind: str | None = None
    listeners: list[Listener] = field(default_factory=list)
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def id(self) -> str:
        """Short id for logs and for event ids: the request hash's prefix and this instance."""
        return f"{self.key[:12]}-{self.instance}"

    @property
    def user_id(self) -> str:
        return str(self.request["userId"])

    def publish(self, name: str, data: dict[str, Any]) -> JobEvent:
        if self.events and self.events[-1].terminal:
            raise RuntimeError(f"job {self.id} already ended; cannot publish {name!r}")
        seq = len(self.events) + 1
        event_id = f"{self.id}.{seq}" + (TERMINAL_SUFFIX if name in TERMINAL_EVENTS else "")
        event = JobEvent(event_id, seq, name, data)
        self.events.append(event)
        for listener in list(self.listeners):
            listener(event)
        if event.terminal:
            self.finished.set()
        return event

    def seq_after(self, last_event_id: str | None) -> int:
        """How many events a client holding `last_event_id` has already seen (0 if it is not one of this job's)."""
        if not last_event_id:
            return 0
        prefix, _, rest = last_event_id.partition(f"{self.id}.")
        if prefix or not rest:
            return 0
        number = rest.removesuffix(TERMINAL_SUFFIX)
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if not (number.isascii() and number.isdigit()) or len(number) > 9:
            return 0
        return int(number) if int(number) <= len(self.events) else 0

    def owns_event_id(self, last_event_id: str | None) -> bool:
        """True when `last_event_id` is one this job sent (its client is reconnecting)."""
        return self.seq_after(last_event_id) > 0

    def attach(self, listener: Listener, after_seq: int = 0) -> list[JobEvent]:
        """Register a listener; returns the events after `after_seq` it has to replay first."""
        self.listeners.append(listener)
        return self.events[after_seq:]

    def detach(self, listener: Listener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    @property
    def elapsed(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return end - (self.started_at if self.started_at is not None else self.created_at)
