"""Batches in the fleet's Redis, under the job store's prefix:

    batch:<id>         hash: total, version and the four counts (queued, running, done, failed)
    batch:<id>:items   hash: index -> the item's result (JSON), for the items that have left `queued`

An update is one MULTI (the item, its two counts, the version). A follower polls the hash every POLL_SECONDS (one
HGETALL): a dashboard does not need a Redis reader of its own per batch. Both keys expire RETENTION_SECONDS after
the batch's last change. A Redis error is StoreUnavailable, which the web answers with 503.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import redis.asyncio as aioredis
import redis.exceptions

from ..errors import StoreUnavailable
from .model import ITEM_STATUSES, BatchStatus, ItemResult, new_counts
from .store import RETENTION_SECONDS

POLL_SECONDS = 0.25
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class RedisBatchStore:
    def __init__(self, url: str, prefix: str, retention_seconds: float = RETENTION_SECONDS) -> None:
        # Any: redis-py's return types are unions of bytes and awaitables; this store decodes what it reads.
        self.redis: Any = aioredis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        self.prefix = prefix
        self.retention_ms = int(retention_seconds * 1000)

    def _key(self, batch_id: str, part: str = "") -> str:
        return f"{self.prefix}batch:{batch_id}{part}"

    async def create(self, batch_id: str, total: int) -> None:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(self._key(batch_id), mapping={"total": total, "version": 0, **new_counts(total)})
                pipe.pexpire(self._key(batch_id), self.retention_ms)
                await pipe.execute()
        except REDIS_ERRORS as error:
            raise StoreUnavailable(f"the batch store is unreachable ({type(error).__name__})") from None

    async def update(self, batch_id: str, previous: ItemResult, item: ItemResult) -> None:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(self._key(batch_id, ":items"), str(item.index), json.dumps(item.to_json()))
                pipe.hincrby(self._key(batch_id), previous.status, -1)
                pipe.hincrby(self._key(batch_id), item.status, 1)
                pipe.hincrby(self._key(batch_id), "version", 1)
                pipe.pexpire(self._key(batch_id), self.retention_ms)
                pipe.pexpire(self._key(batch_id, ":items"), self.retention_ms)
                await pipe.execute()
        except REDIS_ERRORS as error:
            raise StoreUnavailable(f"the batch store is unreachable ({type(error).__name__})") from None

    async def status(self, batch_id: str) -> BatchStatus | None:
        try:
            fields = await self.redis.hgetall(self._key(batch_id))
        except REDIS_ERRORS as error:
            raise StoreUnavailable(f"the batch store is unreachable ({type(error).__name__})") from None
        values = {name.decode(): int(value) for name, value in fields.items()}
        if "total" not in values:  # gone (an update after it expired leaves counts without a total)
            return None
        counts: dict[str, int] = {status: values.get(status, 0) for status in ITEM_STATUSES}
        return BatchStatus(batch_id, values["total"], counts, values["version"])

    async def items(self, batch_id: str, start: int, stop: int) -> list[ItemResult]:
        status = await self.status(batch_id)
        if status is None:
            return []
        indexes = list(range(max(0, start), min(stop, status.total)))
        if not indexes:
            return []
        try:
            found = await self.redis.hmget(self._key(batch_id, ":items"), [str(index) for index in indexes])
        except REDIS_ERRORS as error:
            raise StoreUnavailable(f"the batch store is unreachable ({type(error).__name__})") from None
        return [
            ItemResult.from_json(json.loads(raw)) if raw else ItemResult(index)
            for index, raw in zip(indexes, found, strict=True)
        ]

    async def wait_for_change(self, batch_id: str, version: int, timeout: float) -> BatchStatus | None:
        deadline = time.monotonic() + timeout
        while True:
            status = await self.status(batch_id)
            if status is None or status.version > version or time.monotonic() >= deadline:
                return status
            await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))

    async def close(self) -> None:
        await self.redis.aclose()
