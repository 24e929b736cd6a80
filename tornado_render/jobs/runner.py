"""The worker half of the job manager: it takes queued jobs (the store marks each Running) while it has free render
slots, renders each under a lease it keeps renewing, publishing its progress, and ends it through the manager.

A lease is what makes a fleet survive a lost worker: a worker that dies stops renewing, its lease runs out after
WORKER_LEASE_SECONDS, and any worker's reaper puts the job back at the front of the queue, where the next free
worker renders it again. Every event a worker writes is fenced by its lease, so a worker that lost its job cannot
write to it any more, and a retry publishes only progress above what was already sent (clients never see the bar
step back or repeat). The fence is each take's own (`<worker>.<take>`), not the worker's: a worker that gets back a
job it had lost (a Redis outage longer than the lease) must not let its first run's last writes in beside the
second's, and the second run starts once the first has ended. Cancellation (a shutdown, an orphan, a client on
another instance) is requested through the store and seen by the worker at its next renewal, or at once when it is
in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import structlog

from ..errors import RECURRING_FAILURES, FailureReason, JobFailed, StoreUnavailable
from ..logs import get_logger
from ..recap import RenderRequest
from ..render.pipeline import Outcome, Report
from ..render.progress import BUNDLING, RENDERING, ProgressStep
from .model import Failed, Job, Running, Succeeded
from .store import CancelRequest, JobLimits, JobStore

if TYPE_CHECKING:
    from .manager import JobManager

RunJob = Callable[[RenderRequest, Report], Awaitable[Outcome]]
# Raises ValueError (the web side's InvalidRequest) for a request that is not valid.
CheckRequest = Callable[[RenderRequest], None]
# The phase a pipeline failure happened in, as the `error` log line names it ("internal" for any other).
FAILURE_PHASES = {
    FailureReason.BUNDLING: BUNDLING,
    FailureReason.RENDER: RENDERING,
    FailureReason.TIMEOUT: RENDERING,
    FailureReason.UPLOAD: "upload",
    FailureReason.INVALID: "invalid",
}
LEASE_LOST = CancelRequest(FailureReason.INTERNAL, "the job was taken over by another worker")
# The job the current task renders (a chunked render's coordinator queues its chunks in that job's lane).
RUNNING_JOB: ContextVar[Job | None] = ContextVar("running_job", default=None)
REAP_INTERVAL_SECONDS = 2.0
TAKE_TIMEOUT_SECONDS = 1.0


class JobObserver(Protocol):
    """What the metrics hear of: every start and end."""

    def job_started(self, job: Job) -> None: ...
    def job_succeeded(self, job: Job, outcome: Outcome) -> None: ...
    def job_failed(self, job: Job, reason: FailureReason) -> None: ...
    def jobs_taken_over(self, jobs: list[Job]) -> None: ...  # requeued: their worker's lease ran out


class ProgressPump:
    """Progress reported by the pipeline (a plain callback) goes out in order and only above what the job already
    published; everything reported since the last write goes in one append (a render's bundling phase reports 25
    steps at once, and each write to a store elsewhere is a round trip). `close` waits until all of it is out."""

    def __init__(self, store: JobStore, job: Job, owner: str, published: int) -> None:
        self.store, self.job, self.owner, self.published = store, job, owner, published
        self.steps: asyncio.Queue[ProgressStep | None] = asyncio.Queue()
        self.task = asyncio.ensure_future(self._publish())

    def report(self, step: ProgressStep) -> None:
        self.steps.put_nowait(step)

    async def _publish(self) -> None:
        while True:
            steps = [await self.steps.get()]
            while not self.steps.empty() and steps[-1] is not None:
                steps.append(self.steps.get_nowait())
            fresh = [step for step in steps if step is not None and step.progress > self.published]
            if fresh:
                events = [("progress", step.as_event_data()) for step in fresh]
                state = Running(fresh[-1].phase, fresh[-1].progress)
                await _retrying(functools.partial(self.store.append, self.job, events, self.owner, state))
                self.published = fresh[-1].progress
            if steps[-1] is None:
                return

    async def close(self) -> None:
        self.steps.put_nowait(None)
        try:
            await asyncio.shield(self.task)
        finally:
            self.task.cancel()  # when the wait itself was cancelled


@dataclass(frozen=True)
class Run:
    """One take of a job here: its token (`<worker>.<take>`, the fence of its owner and lease in the store) and the
    task that renders it."""

    token: str
    task: asyncio.Task[None]


class JobRunner:
    """The manager's hands on this instance's render slots; it tells the manager whenever the queue moved."""

    def __init__(self, manager: JobManager, run_job: RunJob, check_request: CheckRequest | None) -> None:
        self.store, self.limits, self.observers = manager.store, manager.limits, manager.observers
        self.on_change, self.end = manager.publish_positions, manager.end
        self.run_job, self.check_request = run_job, check_request
        self.slots = self.limits.admission.max_running
        self.worker = f"worker-{uuid.uuid4().hex[:12]}"
        self.runs: dict[Job, Run] = {}
        self.accepting = True
        self._slot_free = asyncio.Event()
        self._cancellations: dict[str, CancelRequest] = {}  # by run token
        self._loops: list[asyncio.Task[None]] = []
        self.log = get_logger(component="jobs", worker=self.worker)

    async def start(self) -> None:
        await _retrying(lambda: self.store.register_worker(self.worker, self.slots, self.limits.lease_seconds))
        self._loops = [asyncio.ensure_future(self._take_loop()), asyncio.ensure_future(self._keep_loop())]

    async def _take_loop(self) -> None:
        """Take a queued job whenever a slot is free."""
        while self.accepting:
            if len(self.runs) >= self.slots:
                self._slot_free.clear()
                await self._slot_free.wait()
                continue
            token = f"{self.worker}.{uuid.uuid4().hex[:8]}"
            try:
                job = await self.store.take_next(token, self.limits.lease_seconds, TAKE_TIMEOUT_SECONDS)
            except StoreUnavailable:
                await asyncio.sleep(1)  # the store is unreachable: try again in a moment
                continue
            if job is not None and self.accepting:
                before = self.runs.get(job)
                if before is not None:  # its earlier run here lost it (the keeper may not have noticed yet)
                    self.cancel_local(job, LEASE_LOST)
                task = asyncio.ensure_future(self._run(job, token, before.task if before else None))
                self.runs[job] = Run(token, task)
                await self.on_change()

    async def _keep_loop(self) -> None:
        """Renew leases, notice cancellations, and put jobs whose worker died back in the queue."""
        interval = max(0.2, min(REAP_INTERVAL_SECONDS, self.limits.lease_seconds / 3))
        while self.accepting or self.runs:
            with contextlib.suppress(StoreUnavailable):
                await self.store.register_worker(self.worker, self.slots, self.limits.lease_seconds)
                for job in list(self.runs):
                    await self._keep(job)
                requeued = await self.store.requeue_abandoned() if self.accepting else []
                for observer in self.observers if requeued else ():
                    observer.jobs_taken_over(requeued)
                if requeued:
                    await self.on_change()
            await asyncio.sleep(interval)

    async def _keep(self, job: Job) -> None:
        run = self.runs.get(job)
        if run is None:  # ended since the keeper listed it
            return
        if not await self.store.renew(job, run.token, self.limits.lease_seconds):
            self.log.warning("lease_lost", job_id=job.id)
            self.cancel_local(job, LEASE_LOST)
            return
        request = await self.store.cancel_requested(job)
        if request is not None:
            self.cancel_local(job, request)

    def cancel_local(self, job: Job, request: CancelRequest) -> bool:
        """Cancel a job this runner renders; False when it does not run here."""
        run = self.runs.get(job)
        if run is None or run.token in self._cancellations:
            return run is not None
        self._cancellations[run.token] = request
        # Not task.cancel() now: a task cancelled before its first step never runs its body (its `finally` neither),
        # and the job would never end nor free its slot. Its first step is queued already, so this comes after it.
        asyncio.get_running_loop().call_soon(run.task.cancel)
        return True

    async def _run(self, job: Job, token: str, before: asyncio.Task[None] | None) -> None:
        """The task of one job: every line it logs, the pipeline's included, carries the job's id, userId and worker.
        `before`: this job's earlier run here, lost with its lease and still ending (see the module's docstring)."""
        structlog.contextvars.bind_contextvars(job_id=job.id, user_id=job.user_id, worker=self.worker)
        RUNNING_JOB.set(job)
        try:
            await self.end(job, *await self._render(job, token, before), token)
        finally:
            mine = self.runs.get(job)
            if mine is not None and mine.task is asyncio.current_task():
                del self.runs[job]
            self._cancellations.pop(token, None)
            self._slot_free.set()
            await self.on_change()

    async def _render(self, job: Job, token: str, before: asyncio.Task[None] | None) -> tuple[Outcome | JobFailed, str]:
        """The job's outcome, or its failure and the phase it failed in, once every progress step reported is out."""
        pump: ProgressPump | None = None
        try:
            if before is not None:
                await asyncio.wait([before])
            job.started_at = time.monotonic()
            self._check(job)
            waited = round(job.started_at - job.created_at, 3)
            self.log.info("render_started", month=job.request.month_name, waited_seconds=waited)
            for observer in self.observers:
                observer.job_started(job)
            published = await _retrying(lambda: self.store.last_progress(job))
            pump = ProgressPump(self.store, job, token, published)
            return await self.run_job(job.request, pump.report), ""
        except asyncio.CancelledError:
            cancellation = self._cancellations.get(token, CancelRequest(FailureReason.CANCELLED, "cancelled"))
            return cancellation.failure(), "cancelled"
        except JobFailed as failure:
            return failure, FAILURE_PHASES.get(failure.reason, "internal")
        except Exception as error:
            self.log.exception("job_crashed")
            crashed = f"Render failed: internal error ({type(error).__name__})"
            return JobFailed(FailureReason.INTERNAL, crashed), "internal"
        finally:
            if pump is not None:
                await pump.close()

    def _check(self, job: Job) -> None:
        """The web side's validation again (the store may hold anything): JobFailed(INVALID) for a bad request."""
        try:
            if self.check_request is not None:
                self.check_request(job.request)
        except (ValueError, KeyError, TypeError) as error:
            self.log.error("invalid_job_request", reason=str(error)[:500])
            reason = f"Render failed: the job store holds an invalid request ({error})"
            raise JobFailed(FailureReason.INVALID, reason) from None

    async def stop(self, grace_seconds: float, reason: CancelRequest) -> None:
        """Take no more jobs; give running ones `grace_seconds`, then cancel them."""
        self.accepting = False
        self._slot_free.set()
        running = [run.task for run in self.runs.values()]
        if running:
            self.log.info("shutdown_waiting", running=len(running), grace_seconds=grace_seconds)
            await asyncio.wait(running, timeout=grace_seconds)
        for job in list(self.runs):
            self.cancel_local(job, reason)
        remaining = [run.task for run in self.runs.values()]
        if remaining:
            await asyncio.wait(remaining, timeout=30)
        for loop in self._loops:
            loop.cancel()


async def end_job(store: JobStore, job: Job, state: Succeeded | Failed, limits: JobLimits, owner: str | None) -> bool:
    """Move a job to its final state and append its terminal event; False when `owner` had lost the job. A failure
    that would recur answers the same request for FAILED_JOB_SECONDS."""
    job.finished_at = time.monotonic()
    if isinstance(state, Succeeded):  # `complete`, or `error` with the job's id (what a reader quotes to support)
        data = {"filename": state.filename, "s3Url": state.url, "warnings": list(state.warnings)}
        event = ("complete", {**data, "assets": dict(state.assets)})
    else:
        event = ("error", {"message": state.message, "jobId": job.id})
    if await _retrying(lambda: store.append(job, [event], owner, state)) is None:
        return False
    recurring = isinstance(state, Failed) and state.reason in RECURRING_FAILURES
    await _retrying(lambda: store.finish(job, limits.retention_seconds, limits.failed_seconds if recurring else 0))
    return True


def succeeded(outcome: Outcome) -> Succeeded:
    """A render's outcome as the job's final state."""
    return Succeeded(
        outcome.filename, outcome.url, outcome.key, outcome.duration, outcome.warnings, dict(outcome.assets)
    )


async def _retrying(call: Callable[[], Awaitable[Any]]) -> Any:
    """A store call, retried while the store is unreachable: a worker's results must not be lost to an outage."""
    delay = 0.05
    while True:
        try:
            return await call()
        except StoreUnavailable:
            get_logger(component="jobs").warning("store_retry", delay=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
