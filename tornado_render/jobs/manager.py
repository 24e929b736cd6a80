"""The job manager: the one owner of every job's state. It admits jobs, runs them in a bounded number of slots in
FIFO order, moves each through Queued -> Running -> Succeeded | Failed, and publishes its events, the terminal one
included. Nothing else writes a job's state or its outcome.

Jobs, not connections, are the unit of work: an EventSource reconnects by itself, a second tab asks for the same
recap, an old client POSTs it; all of them attach to one job. A job stays findable for `retention_seconds` after
it ends, so a reconnect gets the outcome instead of a second render. A running job that has had no client for
`orphan_seconds` is cancelled; a client that merely disconnects does not stop its render.

A failed job answers only the clients that were watching it (a reconnect presenting one of its event ids); a fresh
request for the same recap renders again, since whatever failed (an orphaned render, an unreachable S3) may well
work now. One userId may have at most `max_per_user` jobs queued or running: the queue is shared, and one reader
must not be able to fill it.

The work itself is `run_job(request, report)`: it reports progress and returns an Outcome, or raises JobFailed with
a reason. Observers (the metrics) hear of every start and end, with that reason.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from tornado.ioloop import IOLoop

from ..errors import FailureReason, JobFailed, ShuttingDown
from ..logs import get_logger
from ..recap import RenderRequest
from ..render.pipeline import Outcome, Report
from ..render.progress import BUNDLING, RENDERING
from ..render.progress import ProgressStep as Step
from .model import Failed, Job, JobEvent, JobState, Queued, Running, Succeeded
from .store import Admission, JobStore

RunJob = Callable[[RenderRequest, Report, Any], Awaitable[Outcome]]


class JobObserver(Protocol):
    def job_started(self, job: Job) -> None: ...

    def job_succeeded(self, job: Job, outcome: Outcome) -> None: ...

    def job_failed(self, job: Job, reason: FailureReason) -> None: ...


@dataclass(frozen=True)
class JobLimits:
    admission: Admission
    retention_seconds: float
    orphan_seconds: float


@dataclass(frozen=True)
class Cancellation:
    reason: FailureReason
    text: str


class ProgressPump:
    """Progress reported by the pipeline (a plain callback) goes out one event at a time, in order; `close` waits
    until everything reported is out, so the terminal event always comes last."""

    def __init__(self, store: JobStore, job: Job) -> None:
        self.store = store
        self.job = job
        self.steps: asyncio.Queue[Step | None] = asyncio.Queue()
        self.task = asyncio.ensure_future(self._publish())

    def report(self, step: Step) -> None:
        self.steps.put_nowait(step)

    async def _publish(self) -> None:
        while (step := await self.steps.get()) is not None:
            self.job.state = Running(step.phase, step.progress)
            await self.store.append(self.job, "progress", step.as_event_data())

    async def close(self) -> None:
        self.steps.put_nowait(None)
        await asyncio.shield(self.task)


class OrphanTimers:
    """One timer per job that nobody watches: when it fires, `on_orphan(job)` decides."""

    def __init__(self, seconds: float, on_orphan: Callable[[Job], Awaitable[None]]) -> None:
        self.seconds = seconds
        self.on_orphan = on_orphan
        self.timers: dict[Job, object] = {}

    def arm(self, job: Job) -> None:
        if job not in self.timers:
            self.timers[job] = IOLoop.current().call_later(self.seconds, lambda: asyncio.ensure_future(self._fire(job)))

    def disarm(self, job: Job) -> None:
        timer = self.timers.pop(job, None)
        if timer is not None:
            IOLoop.current().remove_timeout(timer)

    async def _fire(self, job: Job) -> None:
        self.timers.pop(job, None)
        await self.on_orphan(job)


class JobManager:
    def __init__(
        self, store: JobStore, run_job: RunJob, limits: JobLimits, observers: tuple[JobObserver, ...] = ()
    ) -> None:
        self.store = store
        self.run_job = run_job
        self.limits = limits
        self.observers = observers
        self.accepting = True
        self.tasks: dict[Job, asyncio.Task[None]] = {}
        self._positions: dict[Job, int] = {}
        self._orphans = OrphanTimers(limits.orphan_seconds, self._orphaned)
        self._cancellations: dict[Job, Cancellation] = {}
        self.log = get_logger(component="jobs")

    # -- admitting -----------------------------------------------------------------------------------------

    async def submit(self, request: RenderRequest, last_event_id: str | None = None) -> Job:
        """The job for this request: the running or retained one, or a new one (queued or started)."""
        if not self.accepting:
            raise ShuttingDown("the server is shutting down")
        known = self.store.counts()
        job, created = await self.store.create_or_attach(request, last_event_id, self.limits.admission)
        if not created:
            self.log.info("attached_to_existing", job_id=job.id, state=job.state.status)
            return job
        self.log.info(
            "validated",
            job_id=job.id,
            user_id=job.user_id,
            month=request.month_name,
            year=request.year,
            books=request.book_count,
        )
        self.log.info("queued", job_id=job.id, user_id=job.user_id, waiting_ahead=known[0], running=known[1])
        self._positions[job] = 0
        await self._schedule()
        return job

    # -- clients -------------------------------------------------------------------------------------------

    async def attach(self, job: Job) -> None:
        self._orphans.disarm(job)
        await self.store.add_client(job, +1)

    async def detach(self, job: Job) -> None:
        if await self.store.add_client(job, -1) == 0 and not job.finished:
            self._orphans.arm(job)

    async def _orphaned(self, job: Job) -> None:
        if not job.finished and await self.store.add_client(job, 0) == 0:
            self.log.info("orphaned", job_id=job.id, seconds=self.limits.orphan_seconds)
            seconds = f"{self.limits.orphan_seconds:g}"
            await self.cancel(job, FailureReason.ORPHANED, f"no client was attached for {seconds} s")

    async def next_events(self, job: Job, seq: int) -> list[JobEvent]:
        """The events after `seq`, waiting for the next one if there are none yet."""
        return await self.store.wait_for_events(job, seq)

    # -- running -------------------------------------------------------------------------------------------

    async def _schedule(self) -> None:
        while self.accepting and len(self.tasks) < self.limits.admission.max_running:
            job = await self.store.take_next()
            if job is None:
                break
            self._positions.pop(job, None)
            self.tasks[job] = asyncio.ensure_future(self._run(job))
        for index, job in enumerate(await self.store.queued()):
            position = index + 1
            if self._positions.get(job) != position:
                self._positions[job] = position
                await self._transition(job, Queued(position))

    async def _run(self, job: Job) -> None:
        job.started_at = time.monotonic()
        self.log.info(
            "render_started",
            job_id=job.id,
            user_id=job.user_id,
            month=job.request.month_name,
            waited_seconds=round(job.started_at - job.created_at, 3),
        )
        for observer in self.observers:
            observer.job_started(job)
        await self.store.set_state(job, Running(BUNDLING, 0))
        pump = ProgressPump(self.store, job)
        try:
            outcome = await self.run_job(job.request, pump.report, get_logger(job_id=job.id, user_id=job.user_id))
        except asyncio.CancelledError:
            cancellation = self._cancellations.get(job, Cancellation(FailureReason.CANCELLED, "cancelled"))
            cancelled = JobFailed(cancellation.reason, f"Render failed: {cancellation.text}")
            await self._fail(job, cancelled, "cancelled", pump)
        except JobFailed as failure:
            await self._fail(job, failure, failure_phase(failure.reason), pump)
        except Exception as error:
            self.log.exception("job_crashed", job_id=job.id)
            crashed = JobFailed(FailureReason.INTERNAL, f"Render failed: internal error ({type(error).__name__})")
            await self._fail(job, crashed, "internal", pump)
        else:
            await self._succeed(job, outcome, pump)
        finally:
            pump.task.cancel()
            self.tasks.pop(job, None)
            self._cancellations.pop(job, None)
            await self._schedule()

    async def _transition(self, job: Job, state: JobState) -> None:
        """Move a job to `state`, and tell its clients what they see of it."""
        await self.store.set_state(job, state)
        if isinstance(state, Queued):
            await self.store.append(job, "queued", {"position": state.position})
        elif isinstance(state, Succeeded):
            await self.store.append(job, "complete", {"filename": state.filename, "s3Url": state.url})
        elif isinstance(state, Failed):
            await self.store.append(job, "error", {"message": state.message})

    async def _succeed(self, job: Job, outcome: Outcome, pump: ProgressPump) -> None:
        await pump.close()
        await self._end(job, Succeeded(outcome.filename, outcome.url, outcome.key, outcome.duration))
        self.log.info("complete", job_id=job.id, user_id=job.user_id, total_seconds=round(job.elapsed, 3))
        for observer in self.observers:
            observer.job_succeeded(job, outcome)

    async def _fail(self, job: Job, failure: JobFailed, phase: str, pump: ProgressPump | None = None) -> None:
        if pump is not None:
            await pump.close()
        await self._end(job, Failed(failure.reason, failure.client_message, failure.kept_file))
        self.log.info("error", job_id=job.id, user_id=job.user_id, phase=phase, reason=failure.client_message)
        for observer in self.observers:
            observer.job_failed(job, failure.reason)

    async def _end(self, job: Job, state: Succeeded | Failed) -> None:
        job.finished_at = time.monotonic()
        self._orphans.disarm(job)
        await self._transition(job, state)
        await self.store.finish(job)
        IOLoop.current().call_later(self.limits.retention_seconds, lambda: asyncio.ensure_future(self._expire(job)))

    async def _expire(self, job: Job) -> None:
        await self.store.expire(job)
        self.log.info("job_forgotten", job_id=job.id)

    async def cancel(self, job: Job, reason: FailureReason, text: str) -> None:
        """End a job with `error` "Render failed: <text>", killing its render if it runs."""
        if job.finished or job in self._cancellations:
            return
        task = self.tasks.get(job)
        if task is not None:
            self._cancellations[job] = Cancellation(reason, text)
            task.cancel()
            return
        if await self.store.remove_queued(job):
            self._positions.pop(job, None)
            await self._fail(job, JobFailed(reason, f"Render failed: {text}"), "queued")
            await self._schedule()

    async def shutdown(self, grace_seconds: float) -> None:
        """Stop taking jobs, cancel the waiting ones, give running ones `grace_seconds`, then cancel them."""
        self.accepting = False
        for job in await self.store.queued():
            await self.cancel(job, FailureReason.SHUTDOWN, "server is shutting down")
        running = list(self.tasks.values())
        if running:
            self.log.info("shutdown_waiting", running=len(running), grace_seconds=grace_seconds)
            await asyncio.wait(running, timeout=grace_seconds)
        for job in list(self.tasks):
            await self.cancel(job, FailureReason.SHUTDOWN, "server is shutting down")
        remaining = list(self.tasks.values())
        if remaining:
            await asyncio.wait(remaining, timeout=30)

    # -- numbers -------------------------------------------------------------------------------------------

    @property
    def queued_count(self) -> int:
        return self.store.counts()[0]

    @property
    def running_count(self) -> int:
        return self.store.counts()[1]


def failure_phase(reason: FailureReason) -> str:
    """The phase a pipeline failure happened in, as the `error` log line names it."""
    return {
        FailureReason.BUNDLING: BUNDLING,
        FailureReason.RENDER: RENDERING,
        FailureReason.TIMEOUT: RENDERING,
        FailureReason.UPLOAD: "upload",
    }.get(reason, "internal")
