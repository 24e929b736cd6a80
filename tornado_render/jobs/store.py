"""Where jobs live: the interface between the job manager and a store, split by concern, and the in-process store.

The interface is async and speaks in data (no callbacks into handlers), so a store can live outside this process
(redis_store.py, a fleet's jobs in Redis) with the manager unchanged. Admission is one step of the store's (the job
made and the limits checked together), so two instances sharing a store cannot both take the last place; an append
may be fenced by the worker holding the job's lease, so a worker that lost its job can no longer write to it.
`MemoryJobStore` is the default, for one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Protocol

from tornado.ioloop import IOLoop

from ..errors import FailureReason, JobFailed, QueueFull, StoreUnavailable, UserLimitReached
from ..logs import get_logger
from ..recap import RenderRequest
from ..render.progress import BUNDLING
from .model import LANES, Failed, Job, JobEvent, JobState, NewEvent, Queued, Running, Succeeded, event_job, job_key


@dataclass(frozen=True)
class Admission:
    """The limits a new job must fit in: waiting places, and jobs per userId."""

    max_running: int
    max_queued: int
    max_per_user: int

    def retry_after(self, queued: int) -> int:
        """Seconds a refused client should wait: about one render per slot ahead of it, 5 s to 5 min."""
        return max(5, min(300, 30 * (queued // max(1, self.max_running) + 1)))


@dataclass(frozen=True)
class JobLimits:
    admission: Admission  # its max_running is also this instance's render slots, when it renders
    retention_seconds: float
    orphan_seconds: float
    lease_seconds: float
    failed_seconds: float = 0.0  # how long a recurring failure answers the same request (FAILED_JOB_SECONDS)
    streams_per_user: int = 8  # USER_MAX_STREAMS


@dataclass(frozen=True)
class CancelRequest:
    reason: FailureReason
    text: str

    def failure(self) -> JobFailed:
        return JobFailed(self.reason, f"Render failed: {self.text}")


class Feed:
    """A job's events as this process has them, and one future that each addition resolves for every waiter (a
    broadcast to a thousand streams is one wake-up each). Both stores keep one per job they are asked about."""

    def __init__(self) -> None:
        self.events: list[JobEvent] = []  # seq 1, 2, ... in order
        self.failure: StoreUnavailable | None = None  # set when the events can no longer be read
        self._changed: asyncio.Future[None] | None = None

    def add(self, events: list[JobEvent]) -> None:
        self.events.extend(events)
        if self._changed is not None and not self._changed.done():
            self._changed.set_result(None)

    async def after(self, seq: int) -> list[JobEvent]:
        """The events after `seq`, once there is one."""
        while True:
            if self.failure is not None:
                raise self.failure
            if self.events[seq:]:
                return self.events[seq:]
            if self._changed is None or self._changed.done():
                self._changed = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._changed)


class Admitting(Protocol):
    """Jobs made or found in one step; clients and streams counted on every instance.

    create_or_attach answers (the job, made now): the live or retained one, or a new one, queued in `lane` (QueueFull
    or UserLimitReached when it does not fit) or born `stored`; an interactive request moves a waiting job it attaches
    to into the interactive lane (a reader does not wait behind a batch for a recap that a batch also asked for).
    A failed job answers only a client presenting one of its event ids, unless its failure is remembered. add_client
    counts a client here in (+1) or out (-1) and answers how many are attached on every instance; stream_opened is
    False when `limit` streams of `user` are open.
    """

    async def create_or_attach(
        self,
        request: RenderRequest,
        last_event_id: str | None,
        admission: Admission,
        stored: Succeeded | None,
        lane: str = LANES[0],
    ) -> tuple[Job, bool]: ...
    async def add_client(self, job: Job, delta: int) -> int: ...
    async def stream_opened(self, user: str, limit: int) -> bool: ...
    async def stream_closed(self, user: str) -> None: ...


class Events(Protocol):
    """A job's numbered events. An append adds them in one go, the job's new `state` with the last; it answers None
    when `owner` lost the job or a terminal event was appended already. wait_for_events answers the events after
    `seq` once there is one; last_progress is -1 before any."""

    async def append(
        self, job: Job, events: list[NewEvent], owner: str | None = None, state: JobState | None = None
    ) -> list[JobEvent] | None: ...
    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]: ...
    async def last_progress(self, job: Job) -> int: ...


class Queue(Protocol):
    """The waiting jobs in order, the running ones under their workers' leases, cancellations.

    Jobs are taken lane by lane (model.LANES: interactive, then batch), each lane first in first out, and are Running
    from then on (at the progress already published); a job whose lease expired (its worker died) is requeued at the
    front of its lane. request_cancel takes a waiting job out of the queue (True: the caller ends it), else keeps the
    request for the job's worker (unless `waiting_only`), who sees it at its next lease renewal. A finished job (its
    terminal event is in) is forgotten after `retention_seconds`; a failure that would recur answers every identical
    request for `remembered_seconds`.
    """

    async def take_next(self, worker: str, lease_seconds: float, timeout: float) -> Job | None: ...
    async def renew(self, job: Job, worker: str, lease_seconds: float) -> bool: ...
    async def requeue_abandoned(self) -> list[Job]: ...
    async def queued(self, lane: str | None = None) -> list[Job]: ...
    async def finish(self, job: Job, retention_seconds: float, remembered_seconds: float = 0.0) -> None: ...
    async def request_cancel(self, job: Job, request: CancelRequest, waiting_only: bool = False) -> bool: ...
    async def cancel_requested(self, job: Job) -> CancelRequest | None: ...


class Capacity(Protocol):
    """The fleet's render slots and numbers: each worker registers its slots (counted while its registration lives);
    free_slots() is the slots no running job holds; counts() the fleet's (queued, running) and lanes() each lane's
    (waiting jobs, seconds since the oldest was created), as last seen."""

    async def register_worker(self, worker: str, slots: int, ttl_seconds: float) -> None: ...
    async def free_slots(self) -> int: ...
    def counts(self) -> tuple[int, int]: ...
    def lanes(self) -> dict[str, tuple[int, float]]: ...


class JobStore(Admitting, Events, Queue, Capacity, Protocol):
    name: str
    shared: bool  # other instances use it too (a Redis fleet), so its queue outlives this process
    up: bool  # the store answered its last heartbeat (always True in one process)

    async def healthy(self) -> bool: ...


class MemoryJobStore:
    name = "memory"
    shared = False
    up = True

    def __init__(self) -> None:
        self.by_key: dict[str, Job] = {}
        self.by_id: dict[str, Job] = {}
        self.feeds: dict[str, Feed] = {}
        self.waiting: deque[Job] = deque()
        self.running: set[Job] = set()
        self.clients: Counter[str] = Counter()
        self.streams: Counter[str] = Counter()  # quota user -> open streams
        self.cancels: dict[str, CancelRequest] = {}
        self.slots: dict[str, int] = {}
        self.remembered_until: dict[str, float] = {}  # job id -> monotonic time its failure stops answering
        self._queued = asyncio.Event()

    async def create_or_attach(
        self,
        request: RenderRequest,
        last_event_id: str | None,
        admission: Admission,
        stored: Succeeded | None,
        lane: str = LANES[0],
    ) -> tuple[Job, bool]:
        key = job_key(request)
        earlier = self.by_id.get(event_job(last_event_id))
        existing = earlier if earlier is not None and earlier.key == key else self.by_key.get(key)
        remembered = existing is not None and self.remembered_until.get(existing.id, 0.0) > time.monotonic()
        if existing is not None and (existing is earlier or not isinstance(existing.state, Failed) or remembered):
            if lane == LANES[0] and existing.lane != lane and existing in self.waiting:
                self.waiting.remove(existing)  # to the end of the readers' lane, as in Redis (create_or_attach.lua)
                self.waiting.append(existing)
            existing.lane = LANES[0] if lane == LANES[0] else existing.lane
            return existing, False
        if stored is None:
            queued = len(self.waiting)
            if len(self.running) >= admission.max_running and queued >= admission.max_queued:
                raise QueueFull(queued, retry_after=admission.retry_after(queued))
            active = sum(1 for job in (*self.waiting, *self.running) if job.request.quota_user == request.quota_user)
            if active >= admission.max_per_user:
                raise UserLimitReached(active, retry_after=admission.retry_after(queued))
        job = Job(key=key, request=request, state=stored or Queued(position=0), lane=lane)  # 0: not told a place yet
        self.by_key[key] = self.by_id[job.id] = job
        self.feeds[job.id] = Feed()
        if stored is None:
            self.waiting.append(job)
            self._queued.set()
        return job, True

    async def append(
        self, job: Job, events: list[NewEvent], owner: str | None = None, state: JobState | None = None
    ) -> list[JobEvent] | None:
        feed = self.feeds.get(job.id)
        if feed is None or (feed.events and feed.events[-1].terminal):
            return None
        if state is not None:
            job.state = state
        seq = len(feed.events)
        feed.add([JobEvent.of(job.id, seq + index, name, data) for index, (name, data) in enumerate(events, 1)])
        return feed.events[seq:]

    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]:
        return await self.feeds.get(job.id, Feed()).after(seq)

    async def last_progress(self, job: Job) -> int:
        feed = self.feeds.get(job.id, Feed())
        return max((event.data["progress"] for event in feed.events if event.name == "progress"), default=-1)

    async def take_next(self, worker: str, lease_seconds: float, timeout: float) -> Job | None:
        if not self.waiting:
            self._queued.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._queued.wait(), timeout)
        if not self.waiting:
            return None
        job = min(self.waiting, key=lambda job: LANES.index(job.lane))  # the first of the first lane
        self.waiting.remove(job)
        self.running.add(job)
        job.state = Running(BUNDLING, max(0, await self.last_progress(job)))
        return job

    async def renew(self, job: Job, worker: str, lease_seconds: float) -> bool:
        return job in self.running  # one process: its workers cannot die without it

    async def requeue_abandoned(self) -> list[Job]:
        return []

    async def queued(self, lane: str | None = None) -> list[Job]:
        if lane is not None:
            return [job for job in self.waiting if job.lane == lane]
        return sorted(self.waiting, key=lambda job: LANES.index(job.lane))

    async def finish(self, job: Job, retention_seconds: float, remembered_seconds: float = 0.0) -> None:
        self.running.discard(job)
        if job in self.waiting:
            self.waiting.remove(job)
        self.cancels.pop(job.id, None)
        if remembered_seconds > 0:
            self.remembered_until[job.id] = time.monotonic() + remembered_seconds
        IOLoop.current().call_later(max(retention_seconds, remembered_seconds), lambda: self._forget(job))

    def _forget(self, job: Job) -> None:
        get_logger(component="jobs").info("job_forgotten", job_id=job.id)
        for kept in (self.by_id, self.feeds, self.clients, self.remembered_until):
            kept.pop(job.id, None)
        if self.by_key.get(job.key) is job:
            del self.by_key[job.key]

    async def add_client(self, job: Job, delta: int) -> int:
        count = max(0, self.clients[job.id] + delta)
        if job.id in self.by_id:
            self.clients[job.id] = count
        return count

    async def stream_opened(self, user: str, limit: int) -> bool:
        if self.streams[user] >= limit:
            return False
        self.streams[user] += 1
        return True

    async def stream_closed(self, user: str) -> None:
        self.streams -= Counter({user: 1})  # a count that reaches 0 is dropped

    async def request_cancel(self, job: Job, request: CancelRequest, waiting_only: bool = False) -> bool:
        if job in self.waiting:
            self.waiting.remove(job)
            return True
        if not waiting_only:
            self.cancels.setdefault(job.id, request)
        return False

    async def cancel_requested(self, job: Job) -> CancelRequest | None:
        return self.cancels.get(job.id)

    async def register_worker(self, worker: str, slots: int, ttl_seconds: float) -> None:
        self.slots[worker] = slots

    async def free_slots(self) -> int:
        return max(0, sum(self.slots.values()) - len(self.running))

    def counts(self) -> tuple[int, int]:
        return len(self.waiting), len(self.running)

    def lanes(self) -> dict[str, tuple[int, float]]:
        now = time.monotonic()
        ages = {lane: [now - job.created_at for job in self.waiting if job.lane == lane] for lane in LANES}
        return {lane: (len(ages[lane]), max(ages[lane], default=0.0)) for lane in LANES}

    async def healthy(self) -> bool:
        return True
