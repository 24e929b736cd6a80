"""Where jobs live: the interface between the job manager and a store, and the in-process store.

The manager decides; a store keeps. It keeps the jobs by key and by id, each job's events in order, the FIFO of
waiting jobs, the running ones, and how many clients each job has. The interface is async and speaks in data
(jobs, events, numbers): no callbacks into handlers, so a store can live outside this process (a Redis store does,
for a fleet of instances) with the manager unchanged.

Admission is the store's: creating a job and checking the queue and per-user limits happen in one step, so two
instances sharing a store cannot both take the last place in the queue.

`MemoryJobStore` is the embedded default, for one process: plain dicts and a deque, and one future per job that
waiters await and every append resolves (a broadcast to a thousand streams is one wake-up each).
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import QueueFull, UserLimitReached
from ..recap import RenderRequest
from .model import TERMINAL_EVENTS, TERMINAL_SUFFIX, Failed, Job, JobEvent, JobState, Queued, event_seq, job_key


@dataclass(frozen=True)
class Admission:
    """The limits a new job must fit in: running slots, waiting places, jobs per userId."""

    max_running: int
    max_queued: int
    max_per_user: int

    def retry_after(self, queued: int) -> int:
        """Seconds a refused client should wait: about one render per slot ahead of it, 5 s to 5 min."""
        return max(5, min(300, 30 * (queued // max(1, self.max_running) + 1)))


class JobStore(Protocol):
    async def create_or_attach(
        self, request: RenderRequest, last_event_id: str | None, admission: Admission
    ) -> tuple[Job, bool]:
        """(the job for `request`, whether it was created now): the live or retained one, or a new queued one;
        raises QueueFull or UserLimitReached for a new job that does not fit. A failed job is returned only to a
        client presenting one of its event ids; anyone else gets a new job."""
        ...

    async def append(self, job: Job, name: str, data: dict[str, Any]) -> JobEvent: ...

    async def events_after(self, job: Job, seq: int) -> list[JobEvent]: ...

    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]:
        """The events after `seq`, waiting until there is at least one."""
        ...

    async def set_state(self, job: Job, state: JobState) -> None: ...

    async def take_next(self) -> Job | None:
        """The oldest queued job, now counted as running; None when none waits."""
        ...

    async def queued(self) -> list[Job]:
        """The waiting jobs, first in line first."""
        ...

    async def remove_queued(self, job: Job) -> bool: ...

    async def finish(self, job: Job) -> None:
        """The job ended (its terminal event is appended): it no longer counts as running or queued."""
        ...

    async def expire(self, job: Job) -> None:
        """The retention is over: forget the job."""
        ...

    async def add_client(self, job: Job, delta: int) -> int:
        """Count a client in (+1) or out (-1); the number attached now."""
        ...

    def counts(self) -> tuple[int, int]:
        """(queued, running), as known right now."""
        ...


class MemoryJobStore:
    def __init__(self) -> None:
        self.by_key: dict[str, Job] = {}
        self.by_id: dict[str, Job] = {}
        self.events: dict[str, list[JobEvent]] = {}
        self.waiting: deque[Job] = deque()
        self.running: set[Job] = set()
        self.clients: dict[str, int] = {}
        self._appended: dict[str, asyncio.Future[None]] = {}

    async def create_or_attach(
        self, request: RenderRequest, last_event_id: str | None, admission: Admission
    ) -> tuple[Job, bool]:
        key = job_key(request)
        if last_event_id:
            earlier = self.by_id.get(last_event_id.rpartition(".")[0])
            if earlier is not None and earlier.key == key and event_seq(earlier.id, last_event_id) > 0:
                return earlier, False
        existing = self.by_key.get(key)
        if existing is not None and not isinstance(existing.state, Failed):
            return existing, False
        if len(self.running) >= admission.max_running and len(self.waiting) >= admission.max_queued:
            raise QueueFull(len(self.waiting), retry_after=admission.retry_after(len(self.waiting)))
        active = sum(1 for job in (*self.waiting, *self.running) if job.user_id == request.user_id)
        if active >= admission.max_per_user:
            raise UserLimitReached(active, retry_after=admission.retry_after(len(self.waiting)))
        job = Job(key=key, request=request, state=Queued(position=len(self.waiting) + 1))
        self.by_key[key] = job
        self.by_id[job.id] = job
        self.events[job.id] = []
        self.clients[job.id] = 0
        self.waiting.append(job)
        return job, True

    async def append(self, job: Job, name: str, data: dict[str, Any]) -> JobEvent:
        events = self.events[job.id]
        if events and events[-1].terminal:
            raise RuntimeError(f"job {job.id} already ended; cannot publish {name!r}")
        seq = len(events) + 1
        event = JobEvent(f"{job.id}.{seq}" + (TERMINAL_SUFFIX if name in TERMINAL_EVENTS else ""), seq, name, data)
        events.append(event)
        waiters = self._appended.pop(job.id, None)
        if waiters is not None and not waiters.done():
            waiters.set_result(None)
        return event

    async def events_after(self, job: Job, seq: int) -> list[JobEvent]:
        return self.events.get(job.id, [])[seq:]

    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]:
        while True:
            events = await self.events_after(job, seq)
            if events:
                return events
            future = self._appended.get(job.id)
            if future is None or future.done():
                future = self._appended[job.id] = asyncio.get_running_loop().create_future()
            await asyncio.shield(future)

    async def set_state(self, job: Job, state: JobState) -> None:
        job.state = state

    async def take_next(self) -> Job | None:
        if not self.waiting:
            return None
        job = self.waiting.popleft()
        self.running.add(job)
        return job

    async def queued(self) -> list[Job]:
        return list(self.waiting)

    async def remove_queued(self, job: Job) -> bool:
        if job in self.waiting:
            self.waiting.remove(job)
            return True
        return False

    async def finish(self, job: Job) -> None:
        self.running.discard(job)
        if job in self.waiting:
            self.waiting.remove(job)

    async def expire(self, job: Job) -> None:
        self.by_id.pop(job.id, None)
        self.events.pop(job.id, None)
        self.clients.pop(job.id, None)
        self._appended.pop(job.id, None)
        if self.by_key.get(job.key) is job:
            del self.by_key[job.key]

    async def add_client(self, job: Job, delta: int) -> int:
        count = max(0, self.clients.get(job.id, 0) + delta)
        if job.id in self.by_id:
            self.clients[job.id] = count
        return count

    def counts(self) -> tuple[int, int]:
        return len(self.waiting), len(self.running)
