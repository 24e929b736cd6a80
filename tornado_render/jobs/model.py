"""What a job is: its identity, its state (one value of a tagged union) and the events its clients see.

A job is identified by the hash of its canonical request, so identical requests share one render. Its state is
exactly one of Queued, Running, Succeeded, Failed, and reads back equal from its JSON (the stores' one form).

Events are data: a name, a JSON payload and an id `<job id>.<seq>`, the terminal event's ending in `.end`: a browser
that reconnects holding a terminal id already has the outcome and is told to stop (HTTP 204), even after the job
itself has been forgotten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import FailureReason
from ..recap import RenderRequest

TERMINAL_EVENTS = frozenset({"complete", "error"})
TERMINAL_SUFFIX = ".end"
NewEvent = tuple[str, dict[str, Any]]  # an event to append: its name and data (the store numbers it)
# A queue's lanes, taken in this order: a batch item waits until no reader's own request does.
LANES = ("interactive", "batch")


@dataclass(frozen=True)
class Queued:
    position: int
    status: Literal["queued"] = "queued"


@dataclass(frozen=True)
class Running:
    phase: str
    progress: int
    status: Literal["running"] = "running"


@dataclass(frozen=True)
class Succeeded:
    filename: str
    url: str
    key: str
    duration: float
    # What the reader should know (a soundtrack that could not be used); the `complete` event carries them.
    warnings: tuple[str, ...] = ()
    # The video's other files by name (poster, card, square, landscape, and the share page): URLs, path-only for
    # this server's own (each client gets them made absolute, as the video's `url`).
    assets: Mapping[str, str] = field(default_factory=dict)
    status: Literal["succeeded"] = "succeeded"


@dataclass(frozen=True)
class Failed:
    reason: FailureReason
    message: str
    kept_file: str | None = None
    status: Literal["failed"] = "failed"


JobState = Queued | Running | Succeeded | Failed
STATES: dict[str, type[JobState]] = {kind.status: kind for kind in (Queued, Running, Succeeded, Failed)}


def state_to_json(state: JobState) -> str:
    return json.dumps(dataclasses.asdict(state))


def state_from_json(text: str) -> JobState:
    data = json.loads(text)
    kind = STATES[data.pop("status")]
    if kind is Succeeded:
        data["warnings"] = tuple(data.get("warnings", ()))
    if kind is Failed:
        data["reason"] = FailureReason(data["reason"])
    return kind(**data)


@dataclass(frozen=True)
class JobEvent:
    id: str
    seq: int
    name: str
    data: dict[str, Any]

    @property
    def terminal(self) -> bool:
        return self.name in TERMINAL_EVENTS

    @classmethod
    def of(cls, job_id: str, seq: int, name: str, data: dict[str, Any]) -> JobEvent:
        """The one maker of event ids: `<job id>.<seq>`, `.end` added to a terminal event's."""
        return cls(f"{job_id}.{seq}" + (TERMINAL_SUFFIX if name in TERMINAL_EVENTS else ""), seq, name, data)


def job_key(request: RenderRequest) -> str:
    """The look (canonical()) and, when more than the story is asked for, the shapes: one job per set; a chunk of
    a render is a job of its own."""
    shapes = "" if request.formats == ("story",) else "\n" + ",".join(request.formats)
    chunk = "" if request.chunk is None else "\nchunk {}/{}".format(*request.chunk)
    return hashlib.sha256((request.canonical() + shapes + chunk).encode("utf-8")).hexdigest()


def event_job(event_id: str | None) -> str:
    """The id of the job whose event `event_id` is (a non-terminal one, as a reconnect presents), else ''."""
    job_id = (event_id or "").rpartition(".")[0]
    return job_id if event_seq(job_id, event_id) else ""


def is_terminal_event_id(event_id: str) -> bool:
    return event_id.endswith(TERMINAL_SUFFIX)


def event_seq(job_id: str, event_id: str | None) -> int:
    """The sequence number in `event_id` when it is one of job `job_id`'s ids, else 0."""
    prefix, _, rest = (event_id or "").partition(f"{job_id}.")
    number = rest.removesuffix(TERMINAL_SUFFIX)
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if prefix or not (number.isascii() and number.isdigit()) or len(number) > 9:
        return 0
    return int(number)


@dataclass(eq=False)
class Job:
    key: str
    request: RenderRequest
    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    state: JobState = field(default_factory=lambda: Queued(position=0))
    lane: str = "interactive"  # one of LANES; a reader attaching to a waiting batch item makes it interactive
    created_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def id(self) -> str:
        """Short id for logs and for event ids: the request hash's prefix and this instance."""
        return f"{self.key[:12]}-{self.instance}"

    @property
    def user_id(self) -> str:
        return self.request.user_id

    @property
    def finished(self) -> bool:
        return isinstance(self.state, Succeeded | Failed)

    @property
    def elapsed(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return end - (self.started_at if self.started_at is not None else self.created_at)
