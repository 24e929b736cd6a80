"""The job manager: the one owner of every job's state. It admits jobs, answers a recap whose video is already
stored at once (a job born Succeeded: nothing renders), counts clients, publishes queue positions, cancels, and,
when this instance renders (ROLE all or worker), runs jobs through its JobRunner (runner.py). Nothing outside this
package writes a job's state or its events.

Jobs, not connections, are the unit of work: an EventSource that reconnects, a second tab, an old client's POST all
attach to one job, findable for `retention_seconds` after it ends. A job with no client for `orphan_seconds` is
cancelled; a client that merely disconnects does not stop its render. A failed job answers only the clients that
watched it (a reconnect presenting one of its event ids), unless the same request would fail again
(errors.RECURRING_FAILURES): then every identical request for `failed_seconds`, so a replayed URL costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from tornado.ioloop import IOLoop

from ..errors import FailureReason, JobFailed, ShuttingDown, StoreUnavailable, UserStreamLimitReached
from ..logs import get_logger
from ..recap import RenderRequest
from ..render.pipeline import Outcome
from .model import LANES, Failed, Job, JobEvent, Queued, event_seq
from .runner import CheckRequest, JobObserver, JobRunner, RunJob, end_job, succeeded
from .store import Admission, CancelRequest, JobLimits, JobStore

Lookup = Callable[[RenderRequest], Awaitable[Outcome | None]]
STREAM_RETRY_AFTER_SECONDS = 30
STORE_OUTAGE = "Render failed: job store unavailable"


class Watch:
    """One client following one job: batches of the events after `seen`, in order, until the terminal one. It ends
    early when `gone` is set (the client left), and a store that stays unreachable ends it with a terminal `error`
    event of its own (`outage` is then True). `close` detaches the client; a job nobody watches is an orphan."""

    def __init__(self, manager: JobManager, job: Job, seen: int, gone: asyncio.Event) -> None:
        self.manager, self.job, self.seen, self.gone = manager, job, seen, gone
        self.leaving = asyncio.ensure_future(gone.wait())
        self.outage = False

    async def __aiter__(self) -> AsyncIterator[list[JobEvent]]:
        while not self.gone.is_set():
            waiting = asyncio.ensure_future(self.manager.store.wait_for_events(self.job, self.seen))
            await asyncio.wait((waiting, self.leaving), return_when=asyncio.FIRST_COMPLETED)
            if not waiting.done():
                waiting.cancel()
                return
            try:
                events = waiting.result()
            except StoreUnavailable:
                # The stream cannot go on; its terminal id makes a reconnecting EventSource stop (204).
                self.outage = True
                yield [JobEvent.of(self.job.id, self.seen, "error", {"message": STORE_OUTAGE, "jobId": self.job.id})]
                return
            self.seen = events[-1].seq
            yield events
            if events[-1].terminal:
                return

    async def close(self) -> None:
        self.leaving.cancel()
        with contextlib.suppress(StoreUnavailable):
            await self.manager.detach(self.job)


class JobManager:
    def __init__(
        self,
        store: JobStore,
        run_job: RunJob,
        lookup: Lookup,
        limits: JobLimits,
        *,
        renders: bool = True,
        observers: tuple[JobObserver, ...] = (),
        check_request: CheckRequest | None = None,
    ) -> None:
        self.store, self.lookup, self.limits, self.observers = store, lookup, limits, observers
        self.accepting = True
        self._orphan_timers: dict[Job, object] = {}  # one per job that nobody here watches
        self.log = get_logger(component="jobs")
        self.runner = JobRunner(self, run_job, check_request) if renders else None

    async def start(self) -> None:
        """Begin taking queued jobs (an instance that renders): its slots count in the fleet from now on."""
        if self.runner is not None:
            await self.runner.start()

    # -- admitting -----------------------------------------------------------------------------------------

    async def submit(
        self,
        request: RenderRequest,
        last_event_id: str | None = None,
        *,
        lane: str = LANES[0],
        batch_id: str = "",
        admission: Admission | None = None,
    ) -> Job:
        """The job for this request: the running or retained one, or a new one (queued in `lane`, or done from the
        cache). A batch's items go in the batch lane, which a worker takes from only when no reader's request waits.
        `admission`: other limits than the service's (a render's chunks were admitted with their render)."""
        if not self.accepting:
            raise ShuttingDown("the server is shutting down")
        known = self.store.counts()
        # Looked up even for a reconnect: a Last-Event-ID of a job that is gone (a replayed request, a browser back
        # after the retention) must not re-render a stored video. A live job named by it still wins in the store.
        stored = await self.lookup(request)
        finished = None if stored is None else succeeded(stored)
        admission = admission or self.limits.admission
        job, created = await self.store.create_or_attach(request, last_event_id, admission, finished, lane)
        if not created:
            self.log.info("attached_to_existing", job_id=job.id, state=job.state.status)
            if job.lane == LANES[0] and isinstance(job.state, Queued):
                await self.publish_positions()  # a waiting batch item a reader asked for now has a place in line
            return job
        fields = {"month": request.month_name, "year": request.year, "books": request.book_count}
        self.log.info("validated", job_id=job.id, user_id=job.user_id, **fields)
        if finished is not None:
            await end_job(self.store, job, finished, self.limits, owner=None)
            self.log.info("cached", job_id=job.id, user_id=job.user_id, key=finished.key)
            return job
        fields = {"waiting_ahead": known[0], "running": known[1], "lane": lane, "batch_id": batch_id or None}
        self.log.info("queued", job_id=job.id, user_id=job.user_id, **fields)
        await self.publish_positions()
        return job

    async def publish_positions(self) -> None:
        """Tell each reader's job that will wait where it is in line (jobs that a free slot takes at once are not
        told). Only the interactive lane, which goes first, is told: a month-end backlog of batch items (thousands)
        would otherwise be read and written whole at every submit and every take, and nobody watches a batch item's
        place (its batch's counts say it); a reader who attaches to one moves it into this lane. The running ones are
        counted before the queue is read: a job taken in between is then in neither, where read the other way round
        it was in both, and was told a place in line while it rendered."""
        free = await self.store.free_slots()
        queued = await self.store.queued(LANES[0])
        for index, job in enumerate(queued[free:]):
            position = Queued(index + 1)
            if job.state != position:
                await self.store.append(job, [("queued", {"position": position.position})], state=position)

    # -- clients -------------------------------------------------------------------------------------------

    async def detach(self, job: Job) -> None:
        if await self.store.add_client(job, -1) == 0 and not job.finished and job not in self._orphan_timers:
            orphaned = lambda: asyncio.ensure_future(self._orphaned(job))  # noqa: E731 - a timer's callback
            self._orphan_timers[job] = IOLoop.current().call_later(self.limits.orphan_seconds, orphaned)

    async def _orphaned(self, job: Job) -> None:
        self._orphan_timers.pop(job, None)
        if not job.finished and await self.store.add_client(job, 0) == 0:
            self.log.info("orphaned", job_id=job.id, seconds=self.limits.orphan_seconds)
            seconds = f"{self.limits.orphan_seconds:g}"
            await self.cancel(job, CancelRequest(FailureReason.ORPHANED, f"no client was attached for {seconds} s"))

    async def open_stream(self, request: RenderRequest) -> None:
        """Count a stream of the request's user in (every instance together), or raise UserStreamLimitReached: one
        holder of a signed URL must not take every stream slot there is."""
        if not await self.store.stream_opened(request.quota_user, self.limits.streams_per_user):
            raise UserStreamLimitReached(self.limits.streams_per_user, retry_after=STREAM_RETRY_AFTER_SECONDS)

    async def close_stream(self, request: RenderRequest) -> None:
        await self.store.stream_closed(request.quota_user)

    async def watch(self, job: Job, last_event_id: str | None, gone: asyncio.Event) -> Watch:
        """Attach a client to `job` (StoreUnavailable when the store cannot count it) and follow the job's events
        after `last_event_id` (from the first when it is not one of the job's): see Watch."""
        timer = self._orphan_timers.pop(job, None)
        if timer is not None:
            IOLoop.current().remove_timeout(timer)
        await self.store.add_client(job, +1)
        return Watch(self, job, event_seq(job.id, last_event_id), gone)

    # -- ending --------------------------------------------------------------------------------------------

    async def cancel(self, job: Job, request: CancelRequest) -> None:
        """End a job with `error` "Render failed: <text>": at once if it waits or runs here, else at its worker's
        next lease renewal."""
        if job.finished:
            return
        if self.runner is not None and self.runner.cancel_local(job, request):
            return
        await self.withdraw(job, request, waiting_only=False)

    async def withdraw(self, job: Job, request: CancelRequest, *, waiting_only: bool = True) -> bool:
        """End `job` with `request`'s error if it still waits (True); a running one goes on (or, unless
        `waiting_only`, is told to stop at its next renewal). A coordinator takes back its chunks this way."""
        if not await self.store.request_cancel(job, request, waiting_only):
            return False
        await self.end(job, request.failure(), "queued")
        await self.publish_positions()
        return True

    async def end(self, job: Job, result: Outcome | JobFailed, phase: str = "", owner: str | None = None) -> None:
        """End `job` with `complete`, or `error` (it failed in `phase`), logged and counted unless `owner` lost it.
        A render's end (runner.py) and a waiting job's cancellation both come here."""
        if isinstance(result, Outcome):
            if await end_job(self.store, job, succeeded(result), self.limits, owner):
                self.log.info("complete", job_id=job.id, user_id=job.user_id, total_seconds=round(job.elapsed, 3))
                for observer in self.observers:
                    observer.job_succeeded(job, result)
            return
        state = Failed(result.reason, result.client_message, result.kept_file)
        if await end_job(self.store, job, state, self.limits, owner):
            self.log.info("error", job_id=job.id, user_id=job.user_id, phase=phase, reason=result.detail)
            for observer in self.observers:
                observer.job_failed(job, result.reason)

    async def shutdown(self, grace_seconds: float) -> None:
        """Stop taking jobs, cancel the ones waiting here, give running ones `grace_seconds`, then cancel them."""
        self.accepting = False
        shutdown = CancelRequest(FailureReason.SHUTDOWN, "server is shutting down")
        if self.runner is not None:
            if not self.store.shared:  # a fleet's queue is other workers' work
                for job in await self.store.queued():
                    await self.cancel(job, shutdown)
            await self.runner.stop(grace_seconds, shutdown)

    # -- numbers -------------------------------------------------------------------------------------------

    @property
    def store_name(self) -> str:
        return self.store.name

    async def healthy(self) -> bool:
        return await self.store.healthy()

    @property
    def queued_count(self) -> int:
        return self.store.counts()[0]

    @property
    def running_count(self) -> int:
        return len(self.runner.runs) if self.runner is not None else 0
