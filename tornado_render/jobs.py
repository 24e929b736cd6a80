"""The job table: deduplication, a bounded FIFO of waiting jobs, a cap on running renders, orphans, shutdown.

Jobs, not connections, are the unit of work: an EventSource reconnects by itself, a second tab asks for the same
recap, an old client POSTs it; all of them attach to one job. A job stays findable for `retention_seconds` after
it ends, so a reconnect gets the outcome instead of a second render. A running job that has had no client for
`orphan_seconds` is cancelled; a client that merely disconnects does not stop its render.

A failed job answers only the clients that were watching it (a reconnect presenting one of its event ids); a fresh
request for the same recap renders again, since whatever failed (an orphaned render, an unreachable S3) may well
work now. One userId may have at most `max_per_user` jobs queued or running: the queue is shared, and one reader
must not be able to fill it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tornado.ioloop import IOLoop

from .errors import TornadoRenderError
from .job import Job, JobEvent, JobState, job_key
from .logs import get_logger

DEFAULT_RETENTION_SECONDS = 600.0
DEFAULT_ORPHAN_SECONDS = 120.0
DEFAULT_MAX_QUEUED = 50


class QueueFull(TornadoRenderError):
    """Too many jobs wait already; the client should retry after `retry_after` seconds."""

    def __init__(self, queued: int, retry_after: int) -> None:
        super().__init__(f"the render queue is full ({queued} waiting)")
        self.queued = queued
        self.retry_after = retry_after


class ShuttingDown(TornadoRenderError):
    """The server is stopping and takes no new jobs."""


class UserLimitReached(TornadoRenderError):
    """This userId has as many jobs queued or running as it may; retry after `retry_after` seconds."""

    def __init__(self, active: int, retry_after: int) -> None:
        super().__init__(f"this user already has {active} renders queued or running")
        self.active = active
        self.retry_after = retry_after


@dataclass(frozen=True)
class JobLimits:
    max_running: int = 1
    max_queued: int = DEFAULT_MAX_QUEUED
    retention_seconds: float = DEFAULT_RETENTION_SECONDS
    orphan_seconds: float = DEFAULT_ORPHAN_SECONDS
    max_per_user: int = 2


class JobManager:
    def __init__(self, run_job: Callable[[Job], Awaitable[None]], limits: JobLimits = JobLimits()) -> None:
        self.run_job = run_job
        self.limits = limits
        self.jobs: dict[str, Job] = {}
        self.failed: dict[str, Job] = {}  # failed jobs by id, retained for their own clients' reconnects
        self.queue: deque[Job] = deque()
        self.running: dict[Job, asyncio.Task[None]] = {}
        self.accepting = True
        self._positions: dict[Job, int] = {}
        self._orphan_timers: dict[Job, object] = {}
        self._cancel_reasons: dict[Job, str] = {}
        self.log = get_logger(component="jobs")
        self.on_change: Callable[[], None] = lambda: None

    # -- finding and creating -------------------------------------------------------------------------------

    def find(self, key: str) -> Job | None:
        return self.jobs.get(key)

    def submit(self, request: dict[str, Any], last_event_id: str | None = None) -> Job:
        """The job for this request: the running or retained one, or a new one (queued or started).

        A failed job is handed only to a client presenting one of its event ids (it saw that job and reconnects).
        """
        key = job_key(request)
        failed = self.failed.get(last_event_id.rpartition(".")[0]) if last_event_id else None
        if failed is not None and failed.key == key and failed.owns_event_id(last_event_id):
            self.log.info("attached_to_existing", job_id=failed.id, state=failed.state.value)
            return failed
        existing = self.jobs.get(key)
        if existing is not None and existing.state != JobState.FAILED:
            self.log.info("attached_to_existing", job_id=existing.id, state=existing.state.value)
            return existing
        if not self.accepting:
            raise ShuttingDown("the server is shutting down")
        if len(self.running) >= self.limits.max_running and len(self.queue) >= self.limits.max_queued:
            raise QueueFull(len(self.queue), retry_after=self._retry_after())
        user_id = str(request["userId"])
        active = sum(1 for job in [*self.queue, *self.running] if job.user_id == user_id)
        if active >= self.limits.max_per_user:
            raise UserLimitReached(active, retry_after=self._retry_after())
        job = Job(key=key, request=request)
        meta = request["data"]["meta"]
        self.log.info(
            "validated",
            job_id=job.id,
            user_id=job.user_id,
            month=meta["monthName"],
            year=meta["year"],
            books=len(request["data"]["books"]),
        )
        self.jobs[key] = job
        self.queue.append(job)
        self.log.info(
            "queued", job_id=job.id, user_id=job.user_id, waiting_ahead=len(self.queue) - 1, running=len(self.running)
        )
        self._schedule()
        return job

    def _retry_after(self) -> int:
        return max(5, min(300, 30 * (len(self.queue) // max(1, self.limits.max_running) + 1)))

    # -- clients --------------------------------------------------------------------------------------------

    def attach(self, job: Job, listener: Callable[[JobEvent], None], after_seq: int = 0) -> list[JobEvent]:
        timer = self._orphan_timers.pop(job, None)
        if timer is not None:
            IOLoop.current().remove_timeout(timer)
        replay = job.attach(listener, after_seq)
        self.on_change()
        return replay

    def detach(self, job: Job, listener: Callable[[JobEvent], None]) -> None:
        job.detach(listener)
        self.on_change()
        if not job.listeners and not job.state.finished and job not in self._orphan_timers:
            self._orphan_timers[job] = IOLoop.current().call_later(
                self.limits.orphan_seconds, lambda: self._orphan_check(job)
            )

    def _orphan_check(self, job: Job) -> None:
        self._orphan_timers.pop(job, None)
        if not job.listeners and not job.state.finished:
            self.log.info("orphaned", job_id=job.id, seconds=self.limits.orphan_seconds)
            self.cancel(job, f"no client was attached for {self.limits.orphan_seconds:g} s")

    # -- running --------------------------------------------------------------------------------------------

    def _schedule(self) -> None:
        while self.accepting and self.queue and len(self.running) < self.limits.max_running:
            job = self.queue.popleft()
            self._positions.pop(job, None)
            self.running[job] = asyncio.ensure_future(self._run(job))
        for index, job in enumerate(self.queue):
            position = index + 1
            if self._positions.get(job) != position:
                self._positions[job] = position
                job.publish("queued", {"position": position})
        self.on_change()

    async def _run(self, job: Job) -> None:
        job.state = JobState.RUNNING
        job.started_at = time.monotonic()
        self.log.info(
            "render_started",
            job_id=job.id,
            user_id=job.user_id,
            month=job.request["data"]["meta"]["monthName"],
            waited_seconds=round(job.started_at - job.created_at, 3),
        )
        try:
            await self.run_job(job)
        except asyncio.CancelledError:
            if not job.finished.is_set():
                job.error = f"Render failed: {self._cancel_reasons.get(job, 'cancelled')}"
                job.error_kind = "cancelled"
                job.publish("error", {"message": job.error})
                self.log.info("error", job_id=job.id, user_id=job.user_id, phase="cancelled", reason=job.error)
        except Exception as error:
            self.log.exception("job_crashed", job_id=job.id)
            if not job.finished.is_set():
                job.error = f"Render failed: internal error ({type(error).__name__})"
                job.error_kind = "internal"
                job.publish("error", {"message": job.error})
        finally:
            self._finish(job)

    def _finish(self, job: Job) -> None:
        job.state = JobState.SUCCEEDED if job.error is None else JobState.FAILED
        job.finished_at = time.monotonic()
        self.running.pop(job, None)
        self._cancel_reasons.pop(job, None)
        timer = self._orphan_timers.pop(job, None)
        if timer is not None:
            IOLoop.current().remove_timeout(timer)
        if job.state == JobState.FAILED:
            self.failed[job.id] = job
        IOLoop.current().call_later(self.limits.retention_seconds, lambda: self._forget(job))
        self._schedule()

    def _forget(self, job: Job) -> None:
        self.failed.pop(job.id, None)
        if self.jobs.get(job.key) is job:
            del self.jobs[job.key]
            self.log.info("job_forgotten", job_id=job.id)
            self.on_change()

    def cancel(self, job: Job, reason: str) -> None:
        """End a job with `error` "Render failed: <reason>", killing its render if it runs."""
        if job.state.finished or job.finished.is_set():
            return
        task = self.running.get(job)
        if task is not None:
            self._cancel_reasons[job] = reason
            task.cancel()
            return
        if job in self.queue:
            self.queue.remove(job)
            self._positions.pop(job, None)
            job.error = f"Render failed: {reason}"
            job.error_kind = "cancelled"
            job.publish("error", {"message": job.error})
            self.log.info("error", job_id=job.id, user_id=job.user_id, phase="queued", reason=job.error)
            self._finish(job)

    async def shutdown(self, grace_seconds: float) -> None:
        """Stop taking jobs, cancel the waiting ones, give running ones `grace_seconds`, then cancel them."""
        self.accepting = False
        for job in list(self.queue):
            self.cancel(job, "server is shutting down")
        running = list(self.running.values())
        if running:
            self.log.info("shutdown_waiting", running=len(running), grace_seconds=grace_seconds)
            await asyncio.wait(running, timeout=grace_seconds)
        for job in list(self.running):
            self.cancel(job, "server is shutting down")
        remaining = list(self.running.values())
        if remaining:
            await asyncio.wait(remaining, timeout=30)

    # -- numbers --------------------------------------------------------------------------------------------

    @property
    def queued_count(self) -> int:
        return len(self.queue)

    @property
    def running_count(self) -> int:
        return len(self.running)
