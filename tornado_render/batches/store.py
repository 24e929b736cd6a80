"""Where batches are kept: this process's memory, or the fleet's Redis (redis_store.py) when the job store is
Redis, so GET /batches/<id> and its stream answer on every instance.

Only what changed is kept per item (an item not written yet is queued); the requests themselves are not stored:
the instance that took the batch submits them (runner.py). A batch is forgotten RETENTION_SECONDS after it was
created (in Redis: after its last change).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from tornado.ioloop import IOLoop

from .model import BatchStatus, ItemResult, new_counts

RETENTION_SECONDS = 24 * 3600


class BatchStore(Protocol):
    async def create(self, batch_id: str, total: int) -> None: ...

    async def update(self, batch_id: str, previous: ItemResult, item: ItemResult) -> None:
        """Record `item` (which was `previous`), its counts moved from the old status to the new."""
        ...

    async def status(self, batch_id: str) -> BatchStatus | None: ...

    async def items(self, batch_id: str, start: int, stop: int) -> list[ItemResult]:
        """Items start..stop-1 (those of the batch)."""
        ...

    async def wait_for_change(self, batch_id: str, version: int, timeout: float) -> BatchStatus | None:
        """The status once its version is past `version`, or as it is after `timeout` seconds."""
        ...


class MemoryBatchStore:
    def __init__(self, retention_seconds: float = RETENTION_SECONDS) -> None:
        self.retention_seconds = retention_seconds
        self._statuses: dict[str, BatchStatus] = {}
        self._items: dict[str, dict[int, ItemResult]] = {}
        self._changed: dict[str, asyncio.Event] = {}

    async def create(self, batch_id: str, total: int) -> None:
        self._statuses[batch_id] = BatchStatus(batch_id, total, new_counts(total), 0)
        self._items[batch_id] = {}
        self._changed[batch_id] = asyncio.Event()
        IOLoop.current().call_later(self.retention_seconds, self._forget, batch_id)

    def _forget(self, batch_id: str) -> None:
        self._statuses.pop(batch_id, None)
        self._items.pop(batch_id, None)
        self._changed.pop(batch_id, None)

    async def update(self, batch_id: str, previous: ItemResult, item: ItemResult) -> None:
        status = self._statuses.get(batch_id)
        if status is None:
            return
        counts = dict(status.counts)
        counts[previous.status] -= 1
        counts[item.status] += 1
        self._statuses[batch_id] = BatchStatus(batch_id, status.total, counts, status.version + 1)
        self._items[batch_id][item.index] = item
        changed = self._changed[batch_id]
        self._changed[batch_id] = asyncio.Event()
        changed.set()

    async def status(self, batch_id: str) -> BatchStatus | None:
        return self._statuses.get(batch_id)

    async def items(self, batch_id: str, start: int, stop: int) -> list[ItemResult]:
        status = self._statuses.get(batch_id)
        if status is None:
            return []
        known = self._items[batch_id]
        return [known.get(index) or ItemResult(index) for index in range(max(0, start), min(stop, status.total))]

    async def wait_for_change(self, batch_id: str, version: int, timeout: float) -> BatchStatus | None:
        status = self._statuses.get(batch_id)
        if status is None or status.version > version:
            return status
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._changed[batch_id].wait(), timeout)
        return self._statuses.get(batch_id)
