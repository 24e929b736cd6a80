"""A chunked render spread over the fleet (CHUNK_FLEET): its coordinator, the worker that took the whole job.

Every chunk but the first is an ordinary job of the queue (the request with its `chunk`, keyed apart, in the whole
job's lane, admitted with it), so leases, the takeover of a chunk whose worker died, fenced progress and retention
are the queue's own. Its worker stores the chunk's videos and record under chunks/ (render/chunks.py chunk_key); the
coordinator follows each chunk job's events (its progress goes into the one 0..100) and, at its `complete`, fetches
the videos beside its own chunks for the join.

The coordinator holds a render slot while it waits, so it renders chunks itself: the first (which makes the link
card) at once, then, whenever its driver is free, it takes back a chunk that still waits in the queue (the last
first: other workers take from the front). Coordinators holding every slot of the fleet would otherwise wait on
each other for good. A chunk whose job failed, or whose files cannot be fetched, is rendered here as well: the
render fails only when a chunk fails here. Whatever way it ends, chunk jobs still going are cancelled and the
stored chunks deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from .errors import FailureReason, QueueFull, RenderFailed, ShuttingDown, StoreUnavailable, UserLimitReached
from .jobs.manager import JobManager
from .jobs.model import LANES, Job
from .jobs.runner import RUNNING_JOB
from .jobs.store import Admission, CancelRequest
from .logs import get_logger
from .recap import MAX_CHUNKS, RenderRequest
from .render.chunks import chunk_key
from .storage import Storage

T = TypeVar("T")
# How often a coordinator whose driver is idle looks for a chunk to take back (one requeued after its worker died).
TAKE_BACK_SECONDS = 1.0
TAKEN_BACK = CancelRequest(FailureReason.CANCELLED, "the chunk was rendered by its coordinator")
STOPPED = CancelRequest(FailureReason.CANCELLED, "the render it was part of stopped")
NOT_QUEUED = (QueueFull, UserLimitReached, ShuttingDown, StoreUnavailable)

log = get_logger(component="chunks")


class FleetChunks:
    """render/chunks.py's ChunkFleet on this fleet's job queue and storage."""

    def __init__(self, manager: JobManager, storage: Storage, executor: Executor) -> None:
        self.manager, self.storage, self.executor = manager, storage, executor
        # The whole job passed admission; its chunks are part of it, not more work a reader asked for.
        max_running = manager.limits.admission.max_running
        self.admission = Admission(max_running, max_queued=10**9, max_per_user=MAX_CHUNKS)

    async def render(
        self,
        request: RenderRequest,
        count: int,
        video_key: str,
        paths_of: Callable[[int], dict[str, Path]],
        handle_for: Callable[[int], Callable[[dict[str, Any]], T | None]],
        run_here: Callable[[int], Awaitable[T]],
    ) -> list[T]:
        running = RUNNING_JOB.get()
        lane = running.lane if running is not None else LANES[0]
        results: dict[int, T] = {}
        here: dict[asyncio.Future[T], int] = {asyncio.ensure_future(run_here(0)): 0}
        queued: dict[int, Job] = {}
        followed: dict[asyncio.Future[T | None], int] = {}  # chunk jobs' followers: T, or None to render it here
        left: list[int] = []  # to render here: the queue refused them, or they failed elsewhere
        try:
            for index in range(1, count):
                try:
                    chunk = replace(request, chunk=(index, count))
                    queued[index] = await self.manager.submit(chunk, lane=lane, admission=self.admission)
                except NOT_QUEUED as refused:
                    log.warning("chunk_not_queued", chunk=index, reason=type(refused).__name__)
                    left.append(index)
                    continue
                follow = self._follow(queued[index], video_key, index, paths_of(index), handle_for(index))
                followed[asyncio.ensure_future(follow)] = index
            log.info("chunks_queued", chunks=count, queued=len(queued), lane=lane)
            while len(results) < count:
                if not here:
                    mine = left.pop() if left else await self._take_back(queued, followed)
                    if mine is not None:
                        here[asyncio.ensure_future(run_here(mine))] = mine
                waiting: list[asyncio.Future[Any]] = [*here, *followed]
                finished, _ = await asyncio.wait(waiting, timeout=TAKE_BACK_SECONDS, return_when="FIRST_COMPLETED")
                for task in finished:
                    if task in here:
                        results[here.pop(task)] = task.result()
                        continue
                    index = followed.pop(task)
                    queued.pop(index)
                    fetched = task.result()
                    if fetched is None:
                        left.append(index)
                    else:
                        results[index] = fetched
            return [results[index] for index in range(count)]
        finally:
            unfinished: list[asyncio.Future[Any]] = [*here, *followed]
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
            for job in queued.values():
                with contextlib.suppress(StoreUnavailable):
                    await self.manager.cancel(job, STOPPED)
            names = [f"{name}.mp4" for name in paths_of(0)] + ["done.json"]
            keys = [chunk_key(video_key, index, name) for index in range(1, count) for name in names]
            with contextlib.suppress(Exception):
                await asyncio.get_running_loop().run_in_executor(self.executor, self.storage.delete, keys)

    async def _take_back(self, queued: dict[int, Job], followed: dict[asyncio.Future[T | None], int]) -> int | None:
        """A chunk that still waits in the queue, now this coordinator's to render (the last first), or None."""
        for index in sorted(queued, reverse=True):
            try:
                taken = await self.manager.withdraw(queued[index], TAKEN_BACK)
            except StoreUnavailable:
                return None
            if taken:
                for task, followed_index in list(followed.items()):
                    if followed_index == index:
                        task.cancel()
                        del followed[task]
                del queued[index]
                log.info("chunk_taken_back", chunk=index)
                return index
        return None

    async def _follow(
        self,
        job: Job,
        video_key: str,
        index: int,
        paths: dict[str, Path],
        handle: Callable[[dict[str, Any]], T | None],
    ) -> T | None:
        """Chunk `index`'s job followed to its end: its progress to `handle`, then its `done` (its stored record,
        the videos fetched to `paths`); None when it failed or its files are not to be had."""
        gone = asyncio.Event()
        try:
            watch = await self.manager.watch(job, None, gone)
        except StoreUnavailable:
            return None
        try:
            async for events in watch:
                for event in events:
                    if event.name == "progress":
                        handle({"type": "render-progress", "progress": event.data["progress"] / 100})
                    elif event.name == "complete":
                        return await self._fetch(video_key, index, paths, handle)
                    elif event.name == "error":
                        log.warning("chunk_failed_elsewhere", chunk=index, message=event.data.get("message"))
                        return None
            return None
        finally:
            gone.set()
            await watch.close()

    async def _fetch(
        self, video_key: str, index: int, paths: dict[str, Path], handle: Callable[[dict[str, Any]], T | None]
    ) -> T | None:
        def fetch() -> dict[str, Any] | None:
            record = self.storage.get_record(chunk_key(video_key, index, "done.json"))
            if record is None:
                return None
            got = [
                self.storage.get_file(chunk_key(video_key, index, f"{name}.mp4"), path) for name, path in paths.items()
            ]
            return record if all(got) else None

        record = await asyncio.get_running_loop().run_in_executor(self.executor, fetch)
        if record is None:
            log.warning("chunk_not_stored", chunk=index)
            return None
        try:
            return handle({"type": "done", **record})
        except RenderFailed as error:
            log.warning("chunk_not_usable", chunk=index, reason=error.reason)
            return None
