"""RedisJobStore against a real redis-server: admission, the queue and its leases, events, and the key prefix."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from structlog.testing import capture_logs

from tests.support.recaps import distinct_recap
from tests.support.redis_server import RedisServer
from tornado_render.errors import FailureReason, QueueFull, UserLimitReached
from tornado_render.jobs.manager import JobManager
from tornado_render.jobs.model import Failed, Queued, Running, Succeeded, job_key
from tornado_render.jobs.redis_store import RedisJobStore, state_from_json, state_to_json
from tornado_render.jobs.store import Admission, CancelRequest, JobLimits
from tornado_render.recap import RenderRequest
from tornado_render.render.pipeline import Outcome, Report
from tornado_render.render.progress import RENDERING, ProgressStep

ROOMY = Admission(max_running=1, max_queued=10, max_per_user=10)
OUTCOME = Outcome("a.mp4", "https://bucket/a.mp4", "videos/a.mp4", 14.0, 1.0, 0.5)


def request(tag: str, user: str = "reader") -> RenderRequest:
    return RenderRequest.from_json({**distinct_recap("one-book", tag), "userId": user})


async def nothing_stored(request: RenderRequest) -> Outcome | None:
    return None


def with_store(redis: RedisServer, test: Callable[[RedisJobStore], Awaitable[Any]], prefix: str = "t:") -> Any:
    """Run `test` with a store on `redis` in an event loop of its own, closing the store afterwards."""

    async def run() -> Any:
        store = RedisJobStore(redis.url, retention_seconds=60, prefix=prefix)
        try:
            return await test(store)
        finally:
            await store.close()

    return asyncio.run(run())


class TestClose:
    def test_a_call_after_close_starts_nothing(self, redis: RedisServer) -> None:
        """close() ends the store's heartbeat for good, and has ended it when it returns: a cancellation landing in a
        Redis call was lost in redis-py and the heartbeat went on, and a call made after close() (a manager shutting
        down) started it again; either outlived the loop ("Task was destroyed but it is pending")."""

        async def test() -> set[asyncio.Task[Any]]:
            store = RedisJobStore(redis.url, retention_seconds=60, prefix="t:")
            await store.healthy()
            await store.free_slots()  # the first call starts the heartbeat
            await store.close()
            await store.free_slots()
            return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}

        assert asyncio.run(test()) == set()


class TestAdmission:
    def test_an_identical_request_attaches_to_the_job(self, redis: RedisServer) -> None:
        """A second identical request gets the same job, not a new one."""

        async def test(store: RedisJobStore) -> None:
            first, created = await store.create_or_attach(request("A"), None, ROOMY, None)
            again, created_again = await store.create_or_attach(request("A"), None, ROOMY, None)
            assert (created, created_again) == (True, False)
            assert again is first
            assert first.state == Queued(0)

        with_store(redis, test)

    def test_a_full_queue_and_a_busy_user_are_refused(self, redis: RedisServer) -> None:
        """With every slot busy and max_queued waiting the store raises QueueFull; past max_per_user,
        UserLimitReached."""

        async def test(store: RedisJobStore) -> None:
            await store.register_worker("worker-1", 1, 30)
            await store.create_or_attach(request("A"), None, Admission(1, 1, 10), None)
            await store.take_next("worker-1", 30, 1)
            await store.create_or_attach(request("A2"), None, Admission(1, 1, 10), None)
            with pytest.raises(QueueFull):
                await store.create_or_attach(request("B"), None, Admission(1, 1, 10), None)
            with pytest.raises(UserLimitReached):
                await store.create_or_attach(request("C"), None, Admission(1, 10, 1), None)

        with_store(redis, test)

    def test_a_stored_video_is_a_job_born_succeeded(self, redis: RedisServer) -> None:
        """A request whose video is stored makes a succeeded job that is never queued."""

        async def test(store: RedisJobStore) -> None:
            stored = Succeeded("a.mp4", "/storage/a.mp4", "videos/a.mp4", 14.0)
            job, created = await store.create_or_attach(request("A"), None, ROOMY, stored)
            assert created
            assert job.state == stored
            assert await store.queued() == []

        with_store(redis, test)

    def test_streams_per_user_are_capped(self, redis: RedisServer) -> None:
        """stream_opened refuses the stream over the limit, and a closed one frees its place."""

        async def test(store: RedisJobStore) -> list[bool]:
            opened = [await store.stream_opened("reader", 2) for _ in range(3)]
            await store.stream_closed("reader")
            return [*opened, await store.stream_opened("reader", 2)]

        assert with_store(redis, test) == [True, True, False, True]


class TestQueueAndLeases:
    def test_take_next_gives_the_oldest_job_under_a_lease(self, redis: RedisServer) -> None:
        """Jobs are taken first in, first out, and only the worker holding the lease can renew it."""

        async def test(store: RedisJobStore) -> None:
            first, _ = await store.create_or_attach(request("A"), None, ROOMY, None)
            await store.create_or_attach(request("B"), None, ROOMY, None)
            taken = await store.take_next("worker-1", lease_seconds=30, timeout=1)
            assert taken is first
            assert await store.renew(first, "worker-1", 30)
            assert not await store.renew(first, "worker-2", 30)
            assert [job.request.month_name for job in await store.queued()] == ["B"]

        with_store(redis, test)

    def test_an_expired_lease_puts_the_job_back_first_in_line(self, redis: RedisServer) -> None:
        """A running job whose lease is gone goes back to the front of the queue, and the store logs it."""

        async def test(store: RedisJobStore) -> None:
            job, _ = await store.create_or_attach(request("A"), None, ROOMY, None)
            await store.create_or_attach(request("B"), None, ROOMY, None)
            await store.take_next("worker-1", lease_seconds=30, timeout=1)
            await store.redis.delete(store.key("lease", job.id))  # the worker died: its lease ran out
            with capture_logs() as logs:
                assert await store.requeue_abandoned() == [job]
            assert [(line["event"], line["job_id"]) for line in logs] == [("lease_expired_requeued", job.id)]
            assert (await store.queued())[0].id == job.id

        with_store(redis, test)

    def test_a_worker_that_lost_its_job_cannot_write_to_it(self, redis: RedisServer) -> None:
        """An append fenced by another worker's name adds nothing."""

        async def test(store: RedisJobStore) -> None:
            job, _ = await store.create_or_attach(request("A"), None, ROOMY, None)
            await store.take_next("worker-1", lease_seconds=30, timeout=1)
            progress = [("progress", {"progress": 1, "phase": "bundling"})]
            assert await store.append(job, progress, "worker-2") is None
            [event] = await store.append(job, progress, "worker-1") or []
            assert event.id == f"{job.id}.1"

        with_store(redis, test)

    def test_a_coordinator_takes_back_only_a_chunk_that_still_waits(self, redis: RedisServer) -> None:
        """request_cancel(waiting_only): a waiting job leaves the queue (True); a running one is neither taken out
        nor told to stop (a chunk another worker renders goes on)."""

        async def test(store: RedisJobStore) -> None:
            running, _ = await store.create_or_attach(request("A"), None, ROOMY, None)
            waiting, _ = await store.create_or_attach(request("B"), None, ROOMY, None)
            await store.take_next("worker-1", lease_seconds=30, timeout=1)
            taken_back = CancelRequest(FailureReason.CANCELLED, "taken back")
            assert not await store.request_cancel(running, taken_back, waiting_only=True)
            assert await store.cancel_requested(running) is None
            assert await store.request_cancel(waiting, taken_back, waiting_only=True)
            assert await store.queued() == []
            assert not await store.request_cancel(running, taken_back)  # without waiting_only: told to stop
            assert await store.cancel_requested(running) == taken_back

        with_store(redis, test)


class TestAppendSentAgain:
    def test_progress_appended_twice_is_in_once(self, redis: RedisServer) -> None:
        """An append that ran but whose answer was lost (Redis stopping under it) is retried by the store's call:
        the progress it carried is not appended again (test_fleet's short outage once showed progress 26..33 twice),
        while other events still are."""

        async def test(store: RedisJobStore) -> None:
            job, _ = await store.create_or_attach(request("A"), None, ROOMY, None)
            await store.take_next("worker-1", lease_seconds=30, timeout=1)
            steps = [("progress", {"progress": value, "phase": "rendering"}) for value in (26, 27, 28)]
            first = await store.append(job, steps, "worker-1", Running(RENDERING, 28))
            assert [event.seq for event in first or []] == [1, 2, 3]
            assert await store.append(job, steps, "worker-1", Running(RENDERING, 28)) == []
            later = await store.append(
                job, [steps[-1], ("progress", {"progress": 29, "phase": "rendering"})], "worker-1"
            )
            assert [event.seq for event in later or []] == [4]
            assert [event.data["progress"] for event in await store.wait_for_events(job, 0)] == [26, 27, 28, 29]

        with_store(redis, test)


class TestChunkJobs:
    def test_a_chunk_is_a_job_of_its_own_and_travels_through_redis(self, redis: RedisServer) -> None:
        """A chunk of a request has the same look (canonical) but a key of its own, and reads back from Redis as
        the same chunk; a chunk that is not one (tampered with in Redis) is refused when read."""
        whole = request("A")
        chunk = replace(whole, chunk=(1, 3))
        assert chunk.canonical() == whole.canonical()
        assert len({job_key(whole), job_key(chunk), job_key(replace(whole, chunk=(2, 3)))}) == 3
        assert RenderRequest.from_json(chunk.as_json()) == chunk
        for bad in ([3, 3], [-1, 2], [0, 1001], ["1", 3], [1], [True, 2], "1/3"):
            with pytest.raises(ValueError, match="chunk"):
                RenderRequest.from_json({**chunk.as_json(), "chunk": bad})

        async def test(store: RedisJobStore) -> Any:
            job, _ = await store.create_or_attach(chunk, None, ROOMY, None)
            return (await store.take_next("worker-1", lease_seconds=30, timeout=1) or job).request.chunk

        assert with_store(redis, test) == (1, 3)


class TestEvents:
    def test_events_are_numbered_and_the_terminal_one_ends_them(self, redis: RedisServer) -> None:
        """Events get `<id>.<seq>` ids, the terminal one `.end`, and nothing is appended after it."""

        async def test(store: RedisJobStore) -> None:
            job, _ = await store.create_or_attach(request("A"), None, ROOMY, None)
            failed = Failed(FailureReason.RENDER, "Render failed: no")
            await store.append(job, [("queued", {"position": 1})], state=Queued(1))
            await store.append(job, [("error", {"message": failed.message, "jobId": job.id})], state=failed)
            assert await store.append(job, [("queued", {"position": 2})]) is None
            events = await store.wait_for_events(job, 0)
            assert [event.id for event in events] == [f"{job.id}.1", f"{job.id}.2.end"]
            assert job.state == failed

        with_store(redis, test)

    def test_a_reconnect_with_an_event_id_finds_its_failed_job(self, redis: RedisServer) -> None:
        """A failed job answers the client presenting one of its ids; a fresh identical request gets a new job."""

        async def test(store: RedisJobStore) -> None:
            job, _ = await store.create_or_attach(request("A"), None, ROOMY, None)
            failed = Failed(FailureReason.RENDER, "Render failed: no")
            [event] = await store.append(job, [("queued", {"position": 1})]) or []
            await store.append(job, [("error", {"message": failed.message, "jobId": job.id})], state=failed)
            await store.finish(job, retention_seconds=60)
            again, created = await store.create_or_attach(request("A"), event.id, ROOMY, None)
            assert (again, created) == (job, False)
            fresh, created = await store.create_or_attach(request("A"), None, ROOMY, None)
            assert created
            assert fresh is not job

        with_store(redis, test)


class TestWithAManager:
    def test_a_job_runs_through_redis_and_its_watcher_sees_every_event(self, redis: RedisServer) -> None:
        """A manager on the Redis store takes its own job, renders it, and a watch reads its events from the stream."""

        async def render(request: RenderRequest, report: Report) -> Outcome:
            for progress in (0, 50, 100):
                report(ProgressStep(progress, RENDERING))
            return OUTCOME

        async def test(store: RedisJobStore) -> list[tuple[str, Any]]:
            limits = JobLimits(ROOMY, retention_seconds=60, orphan_seconds=60, lease_seconds=30)
            manager = JobManager(store, render, nothing_stored, limits)
            await manager.start()
            job = await manager.submit(request("A"))
            watch = await manager.watch(job, None, asyncio.Event())
            events = [(event.name, event.data.get("progress")) async for batch in watch for event in batch]
            await watch.close()
            await manager.shutdown(1)
            assert job.state == Succeeded(OUTCOME.filename, OUTCOME.url, OUTCOME.key, OUTCOME.duration)
            return events

        assert with_store(redis, test) == [("progress", 0), ("progress", 50), ("progress", 100), ("complete", None)]

    def test_a_worker_that_takes_back_a_job_it_lost_writes_it_once(self, redis: RedisServer) -> None:
        """A worker loses a job's lease while its first run's progress is stuck on the way to Redis (an outage longer
        than the lease), and takes the same job back. Fenced by the worker's id, the first run's late writes went in
        beside the second run's (progress 10, 20, 30 twice, and the first run's `error` ended the job); fenced by each
        take, they are refused, and the second run starts once the first has ended."""
        runs: list[int] = []

        async def render(request: RenderRequest, report: Report) -> Outcome:
            runs.append(len(runs) + 1)
            for progress in (10, 20, 30):
                report(ProgressStep(progress, RENDERING))
            if len(runs) == 1:
                await asyncio.Event().wait()  # the first run renders until it is cancelled
            return OUTCOME

        class StuckFirstWrites(RedisJobStore):
            """The first owner's appends wait for `released` (as through an outage); everything else goes through."""

            first_owner: str | None = None
            takes = 0

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.first_write, self.second_take, self.released = asyncio.Event(), asyncio.Event(), asyncio.Event()

            async def append(self, job: Any, events: Any, owner: str | None = None, state: Any = None) -> Any:
                if owner and self.first_owner is None:
                    self.first_owner = owner
                    self.first_write.set()
                if owner == self.first_owner:
                    await self.released.wait()
                return await super().append(job, events, owner, state)

            async def take_next(self, worker: str, lease_seconds: float, timeout: float) -> Any:
                job = await super().take_next(worker, lease_seconds, timeout)
                self.takes += job is not None
                if self.takes == 2:
                    self.second_take.set()
                return job

        async def test() -> list[tuple[str, Any]]:
            store = StuckFirstWrites(redis.url, retention_seconds=60, prefix="retake:")
            limits = JobLimits(Admission(2, 10, 10), retention_seconds=60, orphan_seconds=60, lease_seconds=0.6)
            manager = JobManager(store, render, nothing_stored, limits)
            try:
                await manager.start()
                job = await manager.submit(request("Retake"))
                await store.first_write.wait()  # the first run's progress is on its way
                await store.redis.delete(store.key("lease", job.id))  # its lease runs out
                await store.second_take.wait()  # the keeper requeued it and this worker took it back
                store.released.set()
                watch = await manager.watch(job, None, asyncio.Event())
                events = [(event.name, event.data.get("progress")) async for batch in watch for event in batch]
                await watch.close()
                return events
            finally:
                await manager.shutdown(1)
                await store.close()

        events = asyncio.run(asyncio.wait_for(test(), 30))
        assert events == [("progress", 10), ("progress", 20), ("progress", 30), ("complete", None)]
        assert runs == [1, 2]


class TestPrefix:
    def test_two_prefixes_share_a_redis_without_meeting(self, redis: RedisServer) -> None:
        """Every key a store writes starts with its prefix, so two stores on one Redis keep apart."""

        async def fill(store: RedisJobStore) -> None:
            job, _ = await store.create_or_attach(request("A"), None, ROOMY, None)
            await store.register_worker("worker-1", 2, 30)
            await store.take_next("worker-1", 30, 1)
            await store.append(job, [("progress", {"progress": 1, "phase": "bundling"})], "worker-1")
            await store.stream_opened("reader", 2)

        with_store(redis, fill, prefix="one:")

        async def look(store: RedisJobStore) -> tuple[list[bytes], int, list[Any]]:
            return await store.redis.keys("*"), await store.free_slots(), await store.queued()

        keys, capacity, queued = with_store(redis, look, prefix="two:")
        assert keys
        assert all(key.startswith(b"one:") for key in keys if not key.startswith(b"two:instance:")), keys
        assert (capacity, queued) == (0, [])


class TestStateJson:
    @pytest.mark.parametrize(
        "state",
        [
            Queued(3),
            Running("rendering", 42),
            Succeeded("a.mp4", "/a.mp4", "k", 8.5, ("a warning",), {"poster": "/p.jpg"}),
            Failed(FailureReason.TIMEOUT, "Render failed: too slow", "kept.mp4"),
        ],
    )
    def test_every_state_survives_the_round_trip(self, state: Any) -> None:
        """A state written as JSON reads back equal."""
        assert state_from_json(state_to_json(state)) == state
