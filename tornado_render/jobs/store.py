"""Where jobs live: the interface between the job manager and a store, and the in-process store.

The manager decides; a store keeps. It keeps the jobs by key and by id, each job's events in order, the FIFO of
waiting jobs, the running ones under their workers' leases, how many clients each job has, and requests to cancel.
The interface is async and speaks in data (jobs, events, numbers): no callbacks into handlers, so a store can live
outside this process (redis_store.py keeps a fleet's jobs in Redis) with the manager unchanged.

Admission is the store's: creating a job and checking the queue and per-user limits happen in one step, so two
instances sharing a store cannot both take the last place in the queue. Events carry a sequence number; an
append may be fenced by the worker that holds the job's lease, so a worker that lost its job (it stalled, another
took over) can no longer write to it.

`MemoryJobStore` is the embedded default, for one process: dicts and a deque, and one future per job that waiters
await and every append resolves (a broadcast to a thousand streams is one wake-up each).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from tornado.ioloop import IOLoop

from ..errors import FailureReason, JobFailed, QueueFull, UserLimitReached
from ..logs import get_logger
from ..recap import RenderRequest
from .model import Failed, Job, JobEvent, JobState, NewEvent, Queued, Succeeded, event_job, job_key


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
        """The failure that ends a job cancelled for this: its message is "Render failed: <text>"."""
        return JobFailed(self.reason, f"Render failed: {self.text}")


class Admitting(Protocol):
    """Admission and presence: jobs made or found in one step, clients and streams counted fleet-wide."""

    async def create_or_attach(
        self, request: RenderRequest, last_event_id: str | None, admission: Admission, stored: Succeeded | None
    ) -> tuple[Job, bool]:
        """(the job for `request`, whether it was created now): the live or retained one, or a new one, queued,
        or already succeeded when its video is `stored`. A new queued job that does not fit raises QueueFull or
        UserLimitReached. A failed job is returned only to a client presenting one of its event ids."""
        ...

    async def add_client(self, job: Job, delta: int) -> int:
        """Count a client of this instance in (+1) or out (-1); the number attached on every instance."""
        ...

    async def stream_opened(self, user: str, limit: int) -> bool:
        """Count one more open stream of `user` (its quota name), unless `limit` are open on every instance: False."""
        ...

    async def stream_closed(self, user: str) -> None: ...


class Events(Protocol):
    """A job's events, numbered; an append fenced by `owner` adds nothing once that worker lost the job, and none
    follows a terminal event."""

    async def append(
        self, job: Job, events: list[NewEvent], owner: str | None = None, state: JobState | None = None
    ) -> list[JobEvent] | None:
        """Add events (name, data) in order, in one go (one round trip for a store elsewhere), and with the last one
        the job's new `state` (whoever reads the event finds the state); None when fenced out or the job has ended."""
        ...

    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]:
        """The events after `seq`, waiting until there is at least one."""
        ...

    async def last_progress(self, job: Job) -> int:
        """The highest progress already published for the job (-1: none)."""
        ...


class Queue(Protocol):
    """The FIFO of waiting jobs, the running ones under their workers' leases, cancellations, and the workers."""

    async def take_next(self, worker: str, lease_seconds: float, timeout: float) -> Job | None:
        """The oldest queued job, now running under `worker`'s lease; None when none comes within `timeout`."""
        ...

    async def renew(self, job: Job, worker: str, lease_seconds: float) -> bool:
        """Extend `worker`'s lease on a running job; False when it no longer holds it."""
        ...

    async def requeue_abandoned(self) -> list[Job]:
        """Running jobs whose lease expired (their worker died) go back to the front of the queue."""
        ...

    async def set_state(self, job: Job, state: JobState) -> None: ...

    async def queued(self) -> list[Job]:
        """The waiting jobs, first in line first."""
        ...

    async def remove_queued(self, job: Job) -> bool: ...

    async def finish(self, job: Job, retention_seconds: float, remembered_seconds: float = 0.0) -> None:
        """The job ended (its terminal event is appended): forgotten after `retention_seconds`; a failure that
        would recur answers every identical request for `remembered_seconds`."""
        ...

    async def request_cancel(self, job: Job, request: CancelRequest) -> None: ...

    async def cancel_requested(self, job: Job) -> CancelRequest | None: ...

    async def register_worker(self, worker: str, slots: int, ttl_seconds: float) -> None: ...

    async def capacity(self) -> int:
        """Render slots of every worker: how many jobs run at once before others wait."""
        ...

    async def fleet_counts(self) -> tuple[int, int]:
        """(queued, running) across every instance."""
        ...

    def counts(self) -> tuple[int, int]:
        """(queued, running) as known right now (a store elsewhere answers from its last look)."""
        ...


class JobStore(Admitting, Events, Queue, Protocol):
    name: str
    shared: bool  # other instances use it too (a Redis fleet), so its queue outlives this process

    async def healthy(self) -> bool: ...


class MemoryJobStore:
    name = "memory"
    shared = False

    def __init__(self) -> None:
        self.by_key: dict[str, Job] = {}
        self.by_id: dict[str, Job] = {}
        self.events: dict[str, list[JobEvent]] = {}
        self.waiting: deque[Job] = deque()
        self.running: set[Job] = set()
        self.clients: dict[str, int] = {}
        self.cancels: dict[str, CancelRequest] = {}
        self.slots: dict[str, int] = {}
        self.remembered_until: dict[str, float] = {}  # job id -> monotonic time its failure stops answering
        self.streams: dict[str, int] = {}  # quota user -> open streams
        self._appended: dict[str, asyncio.Future[None]] = {}
        self._queued = asyncio.Event()

    async def create_or_attach(
        self, request: RenderRequest, last_event_id: str | None, admission: Admission, stored: Succeeded | None
    ) -> tuple[Job, bool]:
        key = job_key(request)
        earlier = self.by_id.get(event_job(last_event_id))
        if earlier is not None and earlier.key == key:
            return earlier, False
        existing = self.by_key.get(key)
        if existing is not None and self._answers_everyone(existing):
            return existing, False
        if stored is None:
            self._admit(request, admission)
        job = Job(key=key, request=request, state=stored or Queued(position=0))  # 0: not told a place yet
        self.by_key[key] = job
        self.by_id[job.id] = job
        self.events[job.id] = []
        self.clients[job.id] = 0
        if stored is None:
            self.waiting.append(job)
            self._queued.set()
        return job, True

    def _admit(self, request: RenderRequest, admission: Admission) -> None:
        if len(self.running) >= admission.max_running and len(self.waiting) >= admission.max_queued:
            raise QueueFull(len(self.waiting), retry_after=admission.retry_after(len(self.waiting)))
        active = sum(1 for job in (*self.waiting, *self.running) if job.quota_user == request.quota_user)
        if active >= admission.max_per_user:
            raise UserLimitReached(active, retry_after=admission.retry_after(len(self.waiting)))

    async def append(
        self, job: Job, events: list[NewEvent], owner: str | None = None, state: JobState | None = None
    ) -> list[JobEvent] | None:
        stored = self.events.get(job.id)
        if stored is None or (stored and stored[-1].terminal):
            return None
        if state is not None:
            job.state = state
        added = [JobEvent.of(job.id, len(stored) + index, name, data) for index, (name, data) in enumerate(events, 1)]
        stored.extend(added)
        waiters = self._appended.pop(job.id, None)
        if waiters is not None and not waiters.done():
            waiters.set_result(None)
        return added

    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]:
        while True:
            events = self.events.get(job.id, [])[seq:]
            if events:
                return events
            future = self._appended.get(job.id)
            if future is None or future.done():
                future = self._appended[job.id] = asyncio.get_running_loop().create_future()
            await asyncio.shield(future)

    async def set_state(self, job: Job, state: JobState) -> None:
        job.state = state

    async def take_next(self, worker: str, lease_seconds: float, timeout: float) -> Job | None:
        if not self.waiting:
            self._queued.clear()
            try:
                await asyncio.wait_for(self._queued.wait(), timeout)
            except asyncio.TimeoutError:
                return None
        if not self.waiting:
            return None
        job = self.waiting.popleft()
        self.running.add(job)
        return job

    async def renew(self, job: Job, worker: str, lease_seconds: float) -> bool:
        return job in self.running  # one process: its workers cannot die without it

    async def requeue_abandoned(self) -> list[Job]:
        return []

    async def queued(self) -> list[Job]:
        return list(self.waiting)

    async def remove_queued(self, job: Job) -> bool:
        queued = job in self.waiting
        if queued:
            self.waiting.remove(job)
        return queued

    async def finish(self, job: Job, retention_seconds: float, remembered_seconds: float = 0.0) -> None:
        self.running.discard(job)
        await self.remove_queued(job)
        self.cancels.pop(job.id, None)
        if remembered_seconds > 0:
            self.remembered_until[job.id] = time.monotonic() + remembered_seconds
        IOLoop.current().call_later(max(retention_seconds, remembered_seconds), lambda: self._forget(job))

    def _answers_everyone(self, job: Job) -> bool:
        """A job that a fresh identical request attaches to: not failed, or failed in a way it is remembered for."""
        return not isinstance(job.state, Failed) or self.remembered_until.get(job.id, 0.0) > time.monotonic()

    def _forget(self, job: Job) -> None:
        get_logger(component="jobs").info("job_forgotten", job_id=job.id)
        for kept in (self.by_id, self.events, self.clients, self._appended, self.remembered_until):
            kept.pop(job.id, None)
        if self.by_key.get(job.key) is job:
            del self.by_key[job.key]

    async def add_client(self, job: Job, delta: int) -> int:
        count = max(0, self.clients.get(job.id, 0) + delta)
        if job.id in self.by_id:
            self.clients[job.id] = count
        return count

    async def request_cancel(self, job: Job, request: CancelRequest) -> None:
        self.cancels.setdefault(job.id, request)

    async def stream_opened(self, user: str, limit: int) -> bool:
        if self.streams.get(user, 0) >= limit:
            return False
        self.streams[user] = self.streams.get(user, 0) + 1
        return True

    async def stream_closed(self, user: str) -> None:
        self.streams[user] = self.streams.get(user, 0) - 1
        if self.streams[user] <= 0:
            del self.streams[user]

    async def cancel_requested(self, job: Job) -> CancelRequest | None:
        return self.cancels.get(job.id)

    async def last_progress(self, job: Job) -> int:
        progress = [event.data["progress"] for event in self.events.get(job.id, []) if event.name == "progress"]
        return max(progress, default=-1)

    async def capacity(self) -> int:
        return sum(self.slots.values())

    async def register_worker(self, worker: str, slots: int, ttl_seconds: float) -> None:
        self.slots[worker] = slots

    async def fleet_counts(self) -> tuple[int, int]:
        return self.counts()

    async def healthy(self) -> bool:
        return True

    def counts(self) -> tuple[int, int]:
        return len(self.waiting), len(self.running)
