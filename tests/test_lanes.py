"""Priority lanes on both job stores: a reader's own request is taken before every waiting batch item, fleet-wide,
without stopping a render that runs; batch items keep their order among themselves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from tests.support.recaps import distinct_recap
from tests.support.redis_server import RedisServer
from tornado_render.jobs.manager import JobManager
from tornado_render.jobs.model import Queued, Succeeded
from tornado_render.jobs.redis_store import RedisJobStore
from tornado_render.jobs.store import Admission, JobLimits, JobStore, MemoryJobStore
from tornado_render.recap import RenderRequest
from tornado_render.render.pipeline import Outcome, Report

ROOMY = Admission(max_running=1, max_queued=20, max_per_user=20)
LIMITS = JobLimits(ROOMY, retention_seconds=60, orphan_seconds=60, lease_seconds=30)
TIMEOUT = 10


def request(tag: str) -> RenderRequest:
    return RenderRequest.from_json({**distinct_recap("one-book", tag), "userId": "reader"})


async def nothing_stored(request: RenderRequest) -> Outcome | None:
    return None


@pytest.fixture(params=["memory", "redis"])
def stores(request: pytest.FixtureRequest) -> Callable[[], Awaitable[JobStore]]:
    """A maker of stores that share one queue: the one MemoryJobStore, or new RedisJobStores on one redis-server
    (instances of a fleet)."""
    if request.param == "memory":
        memory = MemoryJobStore()

        async def same() -> JobStore:
            return memory

        return same
    redis: RedisServer = request.getfixturevalue("redis")

    async def another() -> JobStore:
        return RedisJobStore(redis.url, retention_seconds=60, prefix="t:")

    return another


def run(test: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(test(), TIMEOUT))


@asynccontextmanager
async def closing(*stores: JobStore) -> AsyncIterator[None]:
    try:
        yield
    finally:
        for store in {id(store): store for store in stores}.values():
            if isinstance(store, RedisJobStore):
                await store.close()


class GatedPipeline:
    """Renders that start in the order the test reads from `started` (month names) and end when it opens `gates`."""

    def __init__(self) -> None:
        self.started: asyncio.Queue[str] = asyncio.Queue()
        self.gates: dict[str, asyncio.Event] = {}

    def gate(self, month: str) -> asyncio.Event:
        return self.gates.setdefault(month, asyncio.Event())

    async def __call__(self, request: RenderRequest, report: Report) -> Outcome:
        self.started.put_nowait(request.month_name)
        await self.gate(request.month_name).wait()
        return Outcome(f"{request.month_name}.mp4", "https://bucket/a.mp4", "videos/a.mp4", 14.0, 1.0, 0.5)


@asynccontextmanager
async def three_instances(
    stores: Callable[[], Awaitable[JobStore]],
) -> AsyncIterator[tuple[GatedPipeline, JobManager, JobManager, JobManager]]:
    """A worker with one slot (started), an instance that submits batch items and one that takes readers' requests,
    on stores that share one queue; their renders are the yielded GatedPipeline's."""
    worker_store, batch_store, reader_store = await stores(), await stores(), await stores()
    pipeline = GatedPipeline()
    worker = JobManager(worker_store, pipeline, nothing_stored, LIMITS)
    batches = JobManager(batch_store, pipeline, nothing_stored, LIMITS, renders=False)
    readers = JobManager(reader_store, pipeline, nothing_stored, LIMITS, renders=False)
    async with closing(worker_store, batch_store, reader_store):
        await worker.start()
        yield pipeline, worker, batches, readers


class TestTakingOrder:
    def test_an_interactive_job_is_taken_before_every_waiting_batch_item(
        self, stores: Callable[[], Awaitable[JobStore]]
    ) -> None:
        """With five batch items waiting, a reader's request made after them is taken first; the items then go in the
        order they came, and queued() lists them in that order too."""

        async def test() -> list[str]:
            store = await stores()
            async with closing(store):
                for tag in "ABCDE":
                    await store.create_or_attach(request(tag), None, ROOMY, None, "batch")
                await store.create_or_attach(request("X"), None, ROOMY, None)
                assert [job.request.month_name for job in await store.queued()] == list("XABCDE")
                taken = [await store.take_next("worker-1", 30, 1) for _ in range(6)]
                return [job.request.month_name for job in taken if job is not None]

        assert run(test) == list("XABCDE")

    def test_a_reader_asking_for_a_waiting_batch_item_takes_it_into_the_interactive_lane(
        self, stores: Callable[[], Awaitable[JobStore]]
    ) -> None:
        """A request identical to a waiting batch item attaches to that job, which is then taken before the other
        items."""

        async def test() -> list[str]:
            store = await stores()
            async with closing(store):
                for tag in "ABC":
                    await store.create_or_attach(request(tag), None, ROOMY, None, "batch")
                job, created = await store.create_or_attach(request("C"), None, ROOMY, None)
                assert not created
                taken = [await store.take_next("worker-1", 30, 1) for _ in range(3)]
                assert taken[0] is job
                assert job.lane == "interactive"
                return [job.request.month_name for job in taken if job is not None]

        assert run(test) == list("CAB")

    def test_an_abandoned_batch_item_goes_back_to_the_front_of_its_own_lane(self, redis: RedisServer) -> None:
        """A batch item whose worker died is requeued ahead of the other items but still behind a reader's job."""

        async def test() -> list[str]:
            store = RedisJobStore(redis.url, retention_seconds=60, prefix="t:")
            async with closing(store):
                first, _ = await store.create_or_attach(request("A"), None, ROOMY, None, "batch")
                await store.create_or_attach(request("B"), None, ROOMY, None, "batch")
                assert await store.take_next("worker-1", 30, 1) is first
                await store.create_or_attach(request("X"), None, ROOMY, None)
                await store.redis.delete(store.key("lease", first.id))  # the worker died: its lease ran out
                assert await store.requeue_abandoned() == [first]
                taken = [await store.take_next("worker-2", 30, 1) for _ in range(3)]
                return [job.request.month_name for job in taken if job is not None]

        assert run(test) == list("XAB")


class TestManagers:
    def test_a_reader_starts_at_the_next_free_slot_ahead_of_queued_batch_items(
        self, stores: Callable[[], Awaitable[JobStore]]
    ) -> None:
        """A worker with one slot renders batch item A; items B to E wait (submitted on one instance), then a reader's
        request X (on another): when A ends, normally, X starts next, then the items in order."""

        async def test() -> list[str]:
            async with three_instances(stores) as (pipeline, worker, batches, readers):
                running = await batches.submit(request("A"), lane="batch", batch_id="b1")
                order = [await pipeline.started.get()]
                for tag in "BCDE":
                    await batches.submit(request(tag), lane="batch", batch_id="b1")
                await readers.submit(request("X"))
                for _ in "XBCDE":
                    pipeline.gate(order[-1]).set()
                    order.append(await pipeline.started.get())
                pipeline.gate(order[-1]).set()
                watch = await batches.watch(running, None, asyncio.Event())
                assert [event.name async for events in watch for event in events][-1] == "complete"
                await watch.close()
                assert isinstance(running.state, Succeeded)
                await worker.shutdown(1)
                return order

        assert run(test) == list("AXBCDE")


class TestPlacesInLine:
    def test_only_readers_are_told_their_place_and_a_reader_asking_for_a_batch_item_is(
        self, stores: Callable[[], Awaitable[JobStore]]
    ) -> None:
        """Waiting batch items are not told a place in line (a month-end backlog would be rewritten whole at every
        submit and take); a reader's request is, and so is a batch item once a reader asks for it."""

        async def test() -> dict[str, Any]:
            async with three_instances(stores) as (pipeline, worker, batches, readers):
                await batches.submit(request("A"), lane="batch", batch_id="b1")
                assert await pipeline.started.get() == "A"
                items = [await batches.submit(request(tag), lane="batch", batch_id="b1") for tag in "BCD"]
                reader = await readers.submit(request("X"))
                asked = await readers.submit(request("D"))
                places = {job.request.month_name: job.state for job in await readers.store.queued()}
                for month in "ABCDX":
                    pipeline.gate(month).set()
                await worker.shutdown(1)
                return {"places": places, "items": [item.id for item in items], "reader": reader, "asked": asked}

        result = run(test)
        assert result["asked"].id == result["items"][2]
        assert result["places"] == {"X": Queued(1), "D": Queued(2), "B": Queued(0), "C": Queued(0)}
