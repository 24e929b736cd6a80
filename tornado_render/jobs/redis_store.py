"""The fleet's job store: jobs, their events and the queue in Redis, shared by every web instance and worker.

Layout (all keys under the store's prefix, `tr:` by default):

    key:<job key>        the id of the current job for a request
    job:<id>             hash: key, request, status, state, seq, progress, owner, cancel, created, lane, and
                         remembered_until for a failure that would recur (it answers identical requests until then)
    events:<id>          a Redis Stream; entry `<seq>-0` is event `<id>.<seq>`, so Last-Event-ID resumes anywhere;
                         an entry also holds the job's state when the event changed it
    queue, queue:batch   the FIFOs of waiting job ids, interactive and batch lane (taken in that order)
    running              the set of running job ids
    lease:<id>           the worker that runs the job, expiring WORKER_LEASE_SECONDS after its last renewal
    user:<quota user>    the user's jobs, for USER_MAX_JOBS across the fleet
    clients:<id>         hash instance -> clients attached there; streams:<quota user> the same for open streams;
                         each counts only instances whose heartbeat, instance:<id>, lives (lua/presence.lua)
    workers, worker:<id> render slots per worker, and each worker's heartbeat (the fleet's capacity)

What must be one step is a script in `lua/`, given the prefix as ARGV[1]; `lua/_prefix.lua`, put before each, makes
the keys from it. An instance reads each watched job's stream once (XREAD BLOCK) and fans the events out to its
clients. Every call rides out an outage of up to OUTAGE_GRACE_SECONDS (streams pause and resume,
nothing is lost or repeated); after that it raises StoreUnavailable: the web answers 503 and an `error` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any, TypeVar

import redis.asyncio as aioredis
import redis.exceptions

from ..errors import FailureReason, QueueFull, StoreUnavailable, UserLimitReached
from ..logs import get_logger
from ..recap import RenderRequest
from ..render.progress import BUNDLING
from .model import (
    LANES,
    Job,
    JobEvent,
    JobState,
    NewEvent,
    Queued,
    Succeeded,
    event_job,
    job_key,
    state_from_json,
    state_to_json,
)
from .store import Admission, CancelRequest, Feed

T = TypeVar("T")
PREFIX = "tr:"
OUTAGE_GRACE_SECONDS = 10.0
READ_BLOCK_MS = 1000
INSTANCE_TTL_SECONDS = 15.0
COUNTS_REFRESH_SECONDS = 1.0
STREAMS_TTL_SECONDS = 86400
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
LUA = resources.files(__package__).joinpath("lua")
PRELUDE = LUA.joinpath("_prefix.lua").read_text(encoding="utf-8")  # put before each script: it makes the keys
SCRIPTS = {
    entry.name.removesuffix(".lua"): PRELUDE + entry.read_text(encoding="utf-8")
    for entry in LUA.iterdir()
    if entry.name.endswith(".lua") and not entry.name.startswith("_")
}
__all__ = ["PREFIX", "REDIS_ERRORS", "RedisJobStore", "state_from_json", "state_to_json"]


def _request(raw: bytes) -> RenderRequest:
    """The request a job hash holds; one that is not even a RenderRequest's shape becomes an empty one, which the
    worker that takes it fails as invalid (runner.py) instead of stopping on it."""
    try:
        return RenderRequest.from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError, AttributeError):
        return RenderRequest(user_id="", recap={})


class _Follower(Feed):
    """This instance's one reader of one job's stream, feeding the streams of its clients here."""

    def __init__(self, store: RedisJobStore, job: Job) -> None:
        super().__init__()
        self.store, self.job = store, job
        self.task = asyncio.ensure_future(self._follow())

    async def _follow(self) -> None:
        stream = self.store.key("events", self.job.id)
        while not (self.events and self.events[-1].terminal) and not self.store.closed:
            try:
                answer = await self.store.call(
                    lambda: self.store.redis.xread({stream: f"{len(self.events)}-0"}, block=READ_BLOCK_MS)
                )
            except StoreUnavailable as failure:
                self.failure = failure
                return self.add([])  # wakes the waiters, who raise it
            entries = [(int(entry.split(b"-")[0]), fields) for _, found in answer for entry, fields in found]
            states = [fields[b"state"] for _, fields in entries if b"state" in fields]
            if states:  # this instance's view of the job's state, in step with the events it reads
                self.job.state = state_from_json(states[-1].decode())
            if entries:
                self.add(
                    [JobEvent.of(self.job.id, seq, f[b"name"].decode(), json.loads(f[b"data"])) for seq, f in entries]
                )
        self.store.forget_later(self.job)


class RedisJobStore:
    name = "redis"
    shared = True

    def __init__(self, url: str, retention_seconds: float, prefix: str = PREFIX) -> None:
        # Typed as Any: redis-py's return types are unions of bytes and str (and of awaitables); this store always
        # talks bytes (no decode_responses) and decodes what it reads itself.
        self.redis: Any = aioredis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=READ_BLOCK_MS / 1000 + 5
        )
        self.prefix = prefix
        self.retention_seconds = retention_seconds
        self.instance = uuid.uuid4().hex[:12]
        self.jobs: dict[str, Job] = {}
        self.followers: dict[str, _Follower] = {}
        self._counts = (0, 0)
        self._lanes: dict[str, tuple[int, float]] = {lane: (0, 0.0) for lane in LANES}  # (waiting, oldest created)
        self.up = True  # as the last heartbeat or health check found it (optimistic before the first)
        self._scripts = {name: self.redis.register_script(source) for name, source in SCRIPTS.items()}
        self._housekeeping: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()  # set by close(): the heartbeat and the readers end
        self.log = get_logger(component="redis_store", instance=self.instance)

    # -- plumbing ------------------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closing.is_set()

    def key(self, kind: str, name: str = "") -> str:
        """A key of this store: `<prefix><kind>`, or `<prefix><kind>:<name>`."""
        return f"{self.prefix}{kind}:{name}" if name else f"{self.prefix}{kind}"

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """One Redis call, retried through an outage of up to OUTAGE_GRACE_SECONDS."""
        if not self.closed and (self._housekeeping is None or self._housekeeping.done()):
            self._housekeeping = asyncio.ensure_future(self._keep_house())
        started = time.monotonic()
        delay = 0.05
        while True:
            try:
                return await make()
            except REDIS_ERRORS as error:
                if time.monotonic() - started > OUTAGE_GRACE_SECONDS:
                    raise StoreUnavailable(f"the job store is unreachable ({type(error).__name__})") from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)

    async def _run(self, script: str, *args: Any) -> Any:
        """One of the Lua scripts (lua/<script>.lua) with the prefix and `args`, retried as any call."""
        return await self.call(lambda: self._scripts[script](args=[self.prefix, *args]))

    async def _keep_house(self) -> None:
        """The instance's heartbeat (its clients count while it lives) and the fleet's counts for /metrics. It ends
        at close() even when a cancellation is lost inside redis-py (which can turn one into a TimeoutError)."""
        while not self.closed:
            try:
                await self.redis.set(self.key("instance", self.instance), "1", px=int(INSTANCE_TTL_SECONDS * 1000))
                answer = await self._scripts["counts"](args=[self.prefix])
                self._lanes = {
                    lane: (int(answer[2 * i]), float(answer[2 * i + 1] or 0)) for i, lane in enumerate(LANES)
                }
                self._counts = sum(waiting for waiting, _ in self._lanes.values()), int(answer[-1])
                self.up = True
            except REDIS_ERRORS:
                self.up = False
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._closing.wait(), COUNTS_REFRESH_SECONDS)

    async def _load(self, job_id: str) -> Job | None:
        """The one Job object of this instance for `job_id` (made from its hash the first time), its state fresh."""
        fields = await self.call(lambda: self.redis.hgetall(self.key("job", job_id)))
        if not fields:
            return None
        known = self.jobs.get(job_id)
        if known is None:
            age = max(0.0, time.time() - float(fields.get(b"created", b"0") or 0))
            known = self.jobs[job_id] = Job(
                key=fields[b"key"].decode(),
                request=_request(fields[b"request"]),
                instance=job_id.split("-", 1)[1],
                created_at=time.monotonic() - age,
            )
        known.state = state_from_json(fields[b"state"].decode())
        known.lane = fields.get(b"lane", LANES[0].encode()).decode()
        return known

    def forget_later(self, job: Job) -> None:
        """Drop this instance's copy of a finished job (and its reader) once its retention is over."""
        for kept in (self.jobs, self.followers):
            asyncio.get_running_loop().call_later(self.retention_seconds, kept.pop, job.id, None)

    # -- admission -----------------------------------------------------------------------------------------

    async def create_or_attach(
        self,
        request: RenderRequest,
        last_event_id: str | None,
        admission: Admission,
        stored: Succeeded | None,
        lane: str = LANES[0],
    ) -> tuple[Job, bool]:
        key = job_key(request)
        args: list[str | float] = [key, f"{key[:12]}-{uuid.uuid4().hex[:8]}", event_job(last_event_id)]
        args += [request.quota_user, json.dumps(request.as_json(), ensure_ascii=False), state_to_json(Queued(0))]
        args += [state_to_json(stored) if stored else "", admission.max_queued, admission.max_per_user, time.time()]
        answer = await self._run("create_or_attach", *args, lane)  # lua/create_or_attach.lua's order
        job_id, created = answer[0].decode(), int(answer[1])
        if created == -1:
            raise QueueFull(int(answer[2]), retry_after=admission.retry_after(int(answer[2])))
        if created == -2:
            raise UserLimitReached(int(answer[2]), retry_after=admission.retry_after(int(answer[3])))
        job = await self._load(job_id)
        if job is None:
            raise StoreUnavailable("a job disappeared while it was being created")
        return job, bool(created)

    async def _presence(self, kind: str, name: str, delta: int, limit: int = -1, ttl: int = 0) -> int:
        return int(await self._run("presence", kind, name, self.instance, delta, limit, ttl))

    async def add_client(self, job: Job, delta: int) -> int:
        return await self._presence("clients", job.id, delta)

    async def stream_opened(self, user: str, limit: int) -> bool:
        return await self._presence("streams", user, 1, limit, STREAMS_TTL_SECONDS) >= 0

    async def stream_closed(self, user: str) -> None:
        await self._presence("streams", user, -1)

    # -- events --------------------------------------------------------------------------------------------

    async def append(
        self, job: Job, events: list[NewEvent], owner: str | None = None, state: JobState | None = None
    ) -> list[JobEvent] | None:
        pairs = [text for name, data in events for text in (name, json.dumps(data, ensure_ascii=False))]
        seqs = await self._run("append", job.id, owner or "", state_to_json(state) if state else "", *pairs)
        if seqs is None:
            return None
        if state is not None:
            job.state = state
        appended = zip(seqs, events, strict=True)  # seq 0: progress the job had already (lua/append.lua)
        return [JobEvent.of(job.id, int(seq), name, data) for seq, (name, data) in appended if int(seq) > 0]

    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]:
        follower = self.followers.get(job.id)
        if follower is None:
            follower = self.followers[job.id] = _Follower(self, job)
        try:
            return await follower.after(seq)
        except StoreUnavailable:
            self.followers.pop(job.id, None)  # the next watch starts a new reader
            raise

    async def last_progress(self, job: Job) -> int:
        value = await self.call(lambda: self.redis.hget(self.key("job", job.id), "progress"))
        return int(value) if value is not None else -1

    # -- queue and leases ----------------------------------------------------------------------------------

    async def take_next(self, worker: str, lease_seconds: float, timeout: float) -> Job | None:
        take = ("take", worker, int(lease_seconds * 1000), BUNDLING)
        job_id = await self._run(*take)
        if not job_id:
            await self.call(lambda: self.redis.blpop([self.key("wake")], timeout=max(1, int(timeout))))
            job_id = await self._run(*take)
        return await self._load(job_id.decode()) if job_id else None

    async def renew(self, job: Job, worker: str, lease_seconds: float) -> bool:
        return bool(await self._run("renew", job.id, worker, int(lease_seconds * 1000)))

    async def requeue_abandoned(self) -> list[Job]:
        ids = await self._run("requeue_abandoned")
        requeued = [job for job in [await self._load(raw.decode()) for raw in ids] if job is not None]
        for job in requeued:
            self.log.warning("lease_expired_requeued", job_id=job.id)
        return requeued

    async def queued(self, lane: str | None = None) -> list[Job]:
        only = 0 if lane is None else LANES.index(lane) + 1
        jobs = [await self._load(raw.decode()) for raw in await self._run("queued", only)]
        return [job for job in jobs if job is not None]

    async def finish(self, job: Job, retention_seconds: float, remembered_seconds: float = 0.0) -> None:
        kept = max(1, int(max(retention_seconds, remembered_seconds) + 0.999))
        remembered_until = repr(time.time() + remembered_seconds) if remembered_seconds > 0 else ""
        await self._run("finish", job.id, job.key, job.request.quota_user, kept, remembered_until)
        self.forget_later(job)

    async def request_cancel(self, job: Job, request: CancelRequest, waiting_only: bool = False) -> bool:
        value = json.dumps({"reason": request.reason.value, "text": request.text})
        return bool(await self._run("cancel", job.id, value, "1" if waiting_only else "0"))

    async def cancel_requested(self, job: Job) -> CancelRequest | None:
        value = await self.call(lambda: self.redis.hget(self.key("job", job.id), "cancel"))
        data = json.loads(value) if value else None
        return CancelRequest(FailureReason(data["reason"]), str(data["text"])) if data else None

    async def free_slots(self) -> int:
        return int(await self._run("free_slots"))

    async def register_worker(self, worker: str, slots: int, ttl_seconds: float) -> None:
        await self._run("register_worker", worker, slots, int(ttl_seconds * 1000))

    # -- the store itself ----------------------------------------------------------------------------------

    def counts(self) -> tuple[int, int]:
        return self._counts

    def lanes(self) -> dict[str, tuple[int, float]]:
        now = time.time()
        return {
            lane: (waiting, max(0.0, now - created) if waiting else 0.0)
            for lane, (waiting, created) in self._lanes.items()
        }

    async def healthy(self) -> bool:
        try:
            self.up = bool(await asyncio.wait_for(self.redis.ping(), 2))
        except (*REDIS_ERRORS, asyncio.TimeoutError):
            self.up = False
        return self.up

    async def close(self) -> None:
        """Stop this instance's readers and heartbeat and close its connections (the server never closes its store)."""
        self._closing.set()  # a call after this (a manager shutting down) must not start the heartbeat again
        tasks = [follower.task for follower in self.followers.values()]
        tasks += [self._housekeeping] if self._housekeeping is not None else []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.redis.aclose()
