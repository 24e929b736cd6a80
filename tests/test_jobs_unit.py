"""JobManager and its JobRunner in one process, on the MemoryJobStore, with a pipeline the test drives: the job's
events, its log lines (bound once by the runner), watching, cancelling, and a store outage."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import structlog
from structlog.testing import capture_logs

from tests.support.recaps import distinct_recap
from tornado_render.errors import FailureReason, JobFailed, StoreUnavailable
from tornado_render.jobs.manager import STORE_OUTAGE, JobManager
from tornado_render.jobs.model import Job, JobEvent
from tornado_render.jobs.store import Admission, CancelRequest, JobLimits, MemoryJobStore
from tornado_render.logs import get_logger
from tornado_render.recap import RenderRequest
from tornado_render.render.pipeline import Outcome, Report
from tornado_render.render.progress import RENDERING, ProgressStep

LIMITS = JobLimits(Admission(1, 10, 10), retention_seconds=60, orphan_seconds=60, lease_seconds=30)
OUTCOME = Outcome("a.mp4", "https://bucket/a.mp4", "videos/a.mp4", 14.0, 1.0, 0.5)


def request(tag: str) -> RenderRequest:
    return RenderRequest.from_json(distinct_recap("one-book", tag))


async def no_video(request: RenderRequest) -> Outcome | None:
    return None


class Pipeline:
    """A pipeline the test drives: each run reports `steps`, logs `inside`, then waits for `finish` (an outcome, or
    an exception to raise)."""

    def __init__(self, steps: list[int] = ()) -> None:  # type: ignore[assignment]
        self.steps = steps
        self.started = asyncio.Event()
        self.finish: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()

    async def __call__(self, request: RenderRequest, report: Report) -> Outcome:
        for progress in self.steps:
            report(ProgressStep(progress, RENDERING))
        get_logger().info("inside")
        self.started.set()
        return await self.finish


async def one_job(
    pipeline: Pipeline,
    act: Callable[[JobManager, Job], Awaitable[object]],
    store: MemoryJobStore | None = None,
    limits: JobLimits = LIMITS,
) -> tuple[Job, list[JobEvent]]:
    """A manager that renders here takes one request; `act` moves its job along; the job's events to its end."""
    manager = JobManager(store or MemoryJobStore(), pipeline, no_video, limits)
    await manager.start()
    try:
        job = await manager.submit(request("A"))
        await act(manager, job)
        return job, await events_until_end(manager, job)
    finally:
        await manager.shutdown(1)


async def events_until_end(manager: JobManager, job: Job) -> list[JobEvent]:
    """Every event of `job` from the first, as a client watching it to the end sees them."""
    watch = await manager.watch(job, None, asyncio.Event())
    try:
        return [event async for events in watch for event in events]
    finally:
        await watch.close()


def run(test: Callable[[], Awaitable[Any]]) -> Any:
    """Run `test` in an event loop of its own, its log lines captured with the context variables merged in."""
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as lines:
        asyncio.run(test())
    return lines


async def finished(pipeline: Pipeline, end: Outcome | BaseException) -> None:
    """Let the pipeline's run end with `end` (its outcome, or the exception it raises)."""
    if isinstance(end, BaseException):
        pipeline.finish.set_exception(end)
    else:
        pipeline.finish.set_result(end)


def lines_named(lines: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["event"] == event]


class TestRunner:
    def test_every_line_of_a_job_carries_its_id_and_user(self) -> None:
        """The runner binds the job's id and userId once: the pipeline's own lines carry them too."""
        jobs: list[Job] = []

        async def test() -> None:
            pipeline = Pipeline()
            job, _ = await one_job(pipeline, lambda manager, job: finished(pipeline, OUTCOME))
            jobs.append(job)

        lines = run(test)
        job = jobs[0]
        for name in ("render_started", "inside", "complete"):
            [line] = lines_named(lines, name)
            assert (line["job_id"], line["user_id"]) == (job.id, job.user_id), name
        assert lines_named(lines, "complete")[0]["total_seconds"] >= 0

    def test_progress_goes_out_in_order_then_complete(self) -> None:
        """Reported progress becomes `progress` events in order, and the outcome a `complete` event with its id."""

        events: list[JobEvent] = []

        async def test() -> None:
            pipeline = Pipeline(steps=[10, 20, 30])
            events.extend((await one_job(pipeline, lambda manager, job: finished(pipeline, OUTCOME)))[1])

        run(test)
        assert [(event.name, event.data.get("progress")) for event in events] == [
            ("progress", 10),
            ("progress", 20),
            ("progress", 30),
            ("complete", None),
        ]
        assert events[-1].id.endswith(".end")
        assert events[-1].data["s3Url"] == OUTCOME.url

    def test_a_failed_render_is_an_error_event_and_an_error_line(self) -> None:
        """JobFailed from the pipeline ends the job with `error` (the fixed message, the job id) and logs its phase."""
        seen: list[JobEvent] = []

        async def test() -> None:
            pipeline = Pipeline()
            failure = JobFailed(FailureReason.RENDER, "the driver crashed")
            seen.extend((await one_job(pipeline, lambda manager, job: finished(pipeline, failure)))[1])

        lines = run(test)
        assert seen[-1].name == "error"
        assert seen[-1].data["message"] == JobFailed(FailureReason.RENDER, "").client_message
        [error] = lines_named(lines, "error")
        assert (error["phase"], error["reason"]) == ("rendering", "the driver crashed")
        assert error["job_id"] == seen[-1].data["jobId"]

    def test_cancelling_a_running_job_ends_it_at_once(self) -> None:
        """A cancel of a job that renders here stops its pipeline and ends it with `error`; the log names the cause."""
        seen: list[JobEvent] = []

        async def test() -> None:
            pipeline = Pipeline()

            async def cancel(manager: JobManager, job: Job) -> None:
                await pipeline.started.wait()
                await manager.cancel(job, CancelRequest(FailureReason.CANCELLED, "the reader left"))

            seen.extend((await one_job(pipeline, cancel))[1])

        lines = run(test)
        assert seen[-1].data["message"] == JobFailed(FailureReason.CANCELLED, "").client_message
        [error] = lines_named(lines, "error")
        assert (error["phase"], error["reason"]) == ("cancelled", "Render failed: the reader left")

    def test_a_worker_that_loses_its_lease_stops_its_render(self) -> None:
        """When the store says the lease is gone, the runner logs `lease_lost` and cancels the render it holds."""
        seen: list[JobEvent] = []

        class LostLeases(MemoryJobStore):
            lost = False  # from the moment the render runs (another worker took the job over)

            async def renew(self, job: Job, worker: str, lease_seconds: float) -> bool:
                return not self.lost

        async def test() -> None:
            pipeline, store = Pipeline(), LostLeases()
            limits = JobLimits(Admission(1, 10, 10), retention_seconds=60, orphan_seconds=60, lease_seconds=0.3)

            async def lose_the_lease(manager: JobManager, job: Job) -> None:
                await pipeline.started.wait()
                store.lost = True  # the keeper renews every 0.2 s

            seen.extend((await one_job(pipeline, lose_the_lease, store, limits))[1])

        lines = run(test)
        assert seen[-1].name == "error"
        [lost] = lines_named(lines, "lease_lost")
        assert lost["job_id"] == seen[-1].data["jobId"]
        assert lines_named(lines, "error")[0]["reason"] == "Render failed: the job was taken over by another worker"

    def test_a_job_cancelled_before_its_task_first_runs_still_ends_and_frees_its_slot(self) -> None:
        """A cancel that comes between the take and the first step of the job's task (a lease lost at once, a
        shutdown) used to cancel a task that had not started: its body never ran, so the job never ended and its
        slot stayed taken for good. Here the cancel comes from the queue-position update that follows each take."""
        seen: list[JobEvent] = []
        runners: list[Any] = []

        class CancelsRightAfterTheTake(MemoryJobStore):
            async def free_slots(self) -> int:
                for job in list(self.running):  # taken a moment ago; its task is made, not yet run
                    runners[0].cancel_local(job, CancelRequest(FailureReason.CANCELLED, "the reader left"))
                return await super().free_slots()

        async def test() -> None:
            pipeline = Pipeline()
            manager = JobManager(CancelsRightAfterTheTake(), pipeline, no_video, LIMITS)
            runners.append(manager.runner)
            await manager.start()
            try:
                job = await manager.submit(request("A"))
                seen.extend(await asyncio.wait_for(events_until_end(manager, job), 10))
                assert manager.runner is not None
                assert manager.runner.runs == {}
            finally:
                await manager.shutdown(1)

        lines = run(test)
        assert seen[-1].name == "error"
        assert seen[-1].data["message"] == JobFailed(FailureReason.CANCELLED, "").client_message
        assert lines_named(lines, "error")[0]["reason"] == "Render failed: the reader left"


class TestManager:
    def test_identical_requests_share_one_job(self) -> None:
        """A second identical request attaches to the first one's job, and the log says so."""

        async def test() -> None:
            manager = JobManager(MemoryJobStore(), Pipeline(), no_video, LIMITS, renders=False)
            first = await manager.submit(request("A"))
            assert await manager.submit(request("A")) is first

        lines = run(test)
        assert [line["event"] for line in lines] == ["validated", "queued", "attached_to_existing"]

    def test_a_stored_video_answers_complete_without_rendering(self) -> None:
        """A request whose video is stored is a job born succeeded: `complete` at once, logged as `cached`."""
        seen: list[JobEvent] = []

        async def found(request: RenderRequest) -> Outcome | None:
            return OUTCOME

        async def test() -> None:
            manager = JobManager(MemoryJobStore(), Pipeline(), found, LIMITS, renders=False)
            seen.extend(await events_until_end(manager, await manager.submit(request("A"))))

        lines = run(test)
        assert [event.name for event in seen] == ["complete"]
        assert lines_named(lines, "cached")[0]["key"] == OUTCOME.key

    def test_cancelling_a_queued_job_ends_it_and_logs_it(self) -> None:
        """A job cancelled while it waits ends with `error`, logged with phase `queued`."""
        seen: list[JobEvent] = []

        async def test() -> None:
            manager = JobManager(MemoryJobStore(), Pipeline(), no_video, LIMITS, renders=False)
            job = await manager.submit(request("A"))
            await manager.cancel(job, CancelRequest(FailureReason.SHUTDOWN, "server is shutting down"))
            seen.extend(await events_until_end(manager, job))

        lines = run(test)
        assert seen[-1].data["message"] == "Render failed: server is shutting down"
        [error] = lines_named(lines, "error")
        assert (error["phase"], error["reason"]) == ("queued", "Render failed: server is shutting down")

    def test_withdraw_ends_a_waiting_job_and_leaves_a_running_one_alone(self) -> None:
        """withdraw (a chunk's coordinator taking it back) ends a job that waits, with `error`; one that runs goes on
        untold (no cancel request is left for its worker), and a chunk of a reader's request is not one of the
        reader's jobs (USER_MAX_JOBS counts it apart)."""
        seen: list[JobEvent] = []

        async def test() -> None:
            store = MemoryJobStore()
            manager = JobManager(store, Pipeline(), no_video, LIMITS, renders=False)
            running, waiting = await manager.submit(request("A")), await manager.submit(request("B"))
            assert await store.take_next("worker", 30, 1) is running
            taken_back = CancelRequest(FailureReason.CANCELLED, "taken back")
            assert not await manager.withdraw(running, taken_back)
            assert await store.cancel_requested(running) is None
            assert await manager.withdraw(waiting, taken_back)
            seen.extend(await events_until_end(manager, waiting))
            chunk = replace(request("A"), chunk=(1, 2))
            assert chunk.quota_user != running.request.quota_user

        lines = run(test)
        assert [event.name for event in seen] == ["queued", "error"]
        [error] = lines_named(lines, "error")
        assert (error["phase"], error["reason"]) == ("queued", "Render failed: taken back")


class OutageStore(MemoryJobStore):
    """A memory store whose events cannot be read (as a Redis store that stayed unreachable)."""

    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]:
        raise StoreUnavailable("the job store is unreachable")


class TestWatch:
    def test_a_store_outage_ends_the_watch_with_a_terminal_error(self) -> None:
        """When the store stays unreachable, the watch ends with its own `error` event whose id is terminal."""
        seen: list[JobEvent] = []
        outage: list[bool] = []

        async def test() -> None:
            manager = JobManager(OutageStore(), Pipeline(), no_video, LIMITS, renders=False)
            job = await manager.submit(request("A"))
            watch = await manager.watch(job, f"{job.id}.2", asyncio.Event())
            seen.extend([event async for events in watch for event in events])
            outage.append(watch.outage)
            await watch.close()

        run(test)
        [event] = seen
        assert (event.name, event.data["message"], event.id) == ("error", STORE_OUTAGE, f"{event.data['jobId']}.2.end")
        assert outage == [True]

    def test_a_client_that_leaves_ends_the_watch_and_is_counted_out(self) -> None:
        """Setting `gone` ends the watch without an event, and closing it detaches the client."""
        counts: list[int] = []

        async def test() -> None:
            store = MemoryJobStore()
            manager = JobManager(store, Pipeline(), no_video, LIMITS, renders=False)
            job = await manager.submit(request("A"))
            gone = asyncio.Event()
            watch = await manager.watch(job, f"{job.id}.1", gone)  # the `queued` event is seen already: it waits
            counts.append(await store.add_client(job, 0))
            gone.set()
            assert [events async for events in watch] == []
            await watch.close()
            counts.append(await store.add_client(job, 0))

        run(test)
        assert counts == [1, 0]
