"""Running a batch: each item is submitted as an ordinary job (the same job key, so the same result cache and the
same render as the reader's own request would get), followed to its end, and its result written to the batch store.

What keeps a batch from crowding out readers (docs/API.md, "Batches"):

- At most `in_flight` items of all batches together are queued or running at once on this instance (by default
  MAX_CONCURRENT_RENDERS): a batch never fills MAX_QUEUED_RENDERS, so a reader's own request still finds room, and
  waits behind at most the renders already running: items wait in the jobs layer's batch lane, which a worker takes
  from only when no reader's request waits (a reader asking for a recap a batch item waits for takes it along).
- One batch holds at most `share_percent` of those `in_flight` places (BATCH_FAIR_SHARE, at least one): a batch
  accepted later starts its items while an earlier large one still runs, instead of waiting for all of it.
- Each item counts against its own userId's USER_MAX_JOBS like any request. An item refused for it (or for a full
  queue) is not failed: it gives its slot back and is submitted again a moment later, so a batch with many items of
  one reader renders them USER_MAX_JOBS at a time, and never takes a reader's own slots from them.
- At most `max_pending` items of all batches together wait or run on one instance (each held in memory until its
  job ends): a batch that would pass it is refused (503), before its body is read when the instance is full.

The batch follows each of its jobs (it counts as the job's client), so a precomputed job is never orphaned. The
instance that accepted the batch drives it: if it stops, its batches stop with it (items in flight fail as their
jobs are cancelled; the rest stay queued).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from ..errors import QueueFull, ShuttingDown, StoreUnavailable, UserLimitReached
from ..jobs.manager import JobManager
from ..jobs.model import Job, JobEvent
from ..logs import get_logger
from .intake import unpack
from .model import ItemResult
from .store import BatchStore

MAX_PENDING_ITEMS = 5000
RETRY_SECONDS = 1.0
STORE_OUTAGE = "Render failed: job store unavailable"
SHUTTING_DOWN = "Render failed: server is shutting down"
INTERNAL = "Render failed: internal error"


class TooManyBatches(Exception):
    """This instance has `pending` batch items waiting or running already."""

    def __init__(self, pending: int) -> None:
        super().__init__(f"{pending} batch items wait or run here already")
        self.pending = pending


class BatchRunner:
    def __init__(
        self,
        jobs: JobManager,
        store: BatchStore,
        *,
        in_flight: int,
        share_percent: int = 100,
        max_pending: int = MAX_PENDING_ITEMS,
    ) -> None:
        self.jobs = jobs
        self.store = store
        self.max_pending = max_pending
        self.pending = 0
        self._slots = asyncio.Semaphore(in_flight)
        self._per_batch = max(1, in_flight * share_percent // 100)
        self._batch_slots: dict[str, asyncio.Semaphore] = {}  # each batch's share of the slots
        self._running: dict[str, asyncio.Future[None]] = {}  # a reference to each task, which asyncio does not keep
        self.log = get_logger(component="batches")

    def check_room(self, items: int = 1) -> None:
        """TooManyBatches when a batch of `items` may not start here."""
        if self.pending + items > self.max_pending:
            raise TooManyBatches(self.pending)

    async def start(self, requests: list[bytes]) -> str:
        """Create the batch of these packed requests (intake.pack) and start running it; its id."""
        self.check_room(len(requests))
        batch_id = uuid.uuid4().hex
        await self.store.create(batch_id, len(requests))
        self.log.info("batch_accepted", batch_id=batch_id, items=len(requests))
        self.pending += len(requests)
        self._batch_slots[batch_id] = asyncio.Semaphore(self._per_batch)
        task = asyncio.ensure_future(self._run(batch_id, requests))
        self._running[batch_id] = task
        task.add_done_callback(lambda _: (self._running.pop(batch_id, None), self._batch_slots.pop(batch_id, None)))
        return batch_id

    async def _run(self, batch_id: str, requests: list[bytes]) -> None:
        await asyncio.gather(*(self._item(batch_id, index, request) for index, request in enumerate(requests)))
        status = await self.store.status(batch_id)
        self.log.info("batch_finished", batch_id=batch_id, **(status.counts if status else {}))

    async def _item(self, batch_id: str, index: int, packed: bytes) -> None:
        try:
            await self._item_to_its_end(batch_id, index, packed)
        finally:
            self.pending -= 1

    async def _item_to_its_end(self, batch_id: str, index: int, packed: bytes) -> None:
        queued = ItemResult(index)
        try:
            while True:
                async with self._batch_slots[batch_id], self._slots:
                    try:
                        job = await self.jobs.submit(unpack(packed), lane="batch", batch_id=batch_id)
                    except (UserLimitReached, QueueFull):
                        job = None
                    if job is not None:
                        await self._follow(batch_id, queued, job)
                        return
                await asyncio.sleep(RETRY_SECONDS)
        except ShuttingDown:
            await self._record(batch_id, queued, ItemResult(index, "failed", error=SHUTTING_DOWN))
        except StoreUnavailable:
            await self._record(batch_id, queued, ItemResult(index, "failed", error=STORE_OUTAGE))
        except Exception:  # one item's bug must not stop the others; the log has it
            self.log.exception("batch_item_failed", batch_id=batch_id, index=index)
            await self._record(batch_id, queued, ItemResult(index, "failed", error=INTERNAL))

    async def _follow(self, batch_id: str, queued: ItemResult, job: Job) -> None:
        """Watch the job to its end (as its client), marking the item running at its first progress."""
        current = queued
        last: JobEvent | None = None
        watch = await self.jobs.watch(job, None, asyncio.Event())
        try:
            async for events in watch:
                last = events[-1]
                if current.status == "queued" and not last.terminal and any(e.name == "progress" for e in events):
                    current = await self._record(batch_id, current, ItemResult(queued.index, "running", job.id))
        finally:
            await watch.close()
        await self._record(batch_id, current, outcome(queued.index, job.id, last))

    async def _record(self, batch_id: str, previous: ItemResult, item: ItemResult) -> ItemResult:
        try:
            await self.store.update(batch_id, previous, item)
        except StoreUnavailable:
            self.log.warning("batch_item_unrecorded", batch_id=batch_id, index=item.index, status=item.status)
        return item


def outcome(index: int, job_id: str, last: JobEvent | None) -> ItemResult:
    """An item's result from its job's terminal event."""
    data: dict[str, Any] = last.data if last is not None else {}
    if last is not None and last.name == "complete":
        return ItemResult(
            index,
            "done",
            job_id,
            url=str(data.get("s3Url", "")),
            duration=data.get("duration"),
            assets=dict(data.get("assets") or {}),
        )
    return ItemResult(index, "failed", job_id, error=str(data.get("message", INTERNAL)))
