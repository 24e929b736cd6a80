"""The fleet's job store: jobs, their events and the queue in Redis, shared by every web instance and worker.

Layout (all keys under `tr:`):

    key:<job key>        the id of the current job for a request (create-or-attach is one Lua script)
    job:<id>             hash: key, request, status, state, seq, progress, owner, cancel, created, and for a
                         failure that would recur, remembered_until (it answers identical requests until then)
    events:<id>          a Redis Stream of the job's events; entry `<seq>-0` is event `<id>.<seq>`, so
                         Last-Event-ID resumes on any instance and a reconnect is an XRANGE after it
    queue                the FIFO of waiting job ids; running: the set of running ones
    lease:<id>           the worker that runs the job, expiring WORKER_LEASE_SECONDS after its last renewal
    user:<quota user>    the user's jobs (by userId as quotas count it), for USER_MAX_JOBS across the fleet
    clients:<id>         hash instance -> clients attached there; instance:<id> an instance's heartbeat
    streams:<quota user> hash instance -> the user's streams open there, for USER_MAX_STREAMS across the fleet
                         (the entries of instances whose heartbeat is gone are dropped when counted)
    workers, worker:<id> render slots per worker, and each worker's heartbeat (the fleet's capacity)

Each instance follows the streams its clients watch with one reader per job (XREAD BLOCK), and fans the events out
to its local streams, so a thousand clients of one job cost one Redis read, not a thousand.

Redis trouble: every call is retried for up to OUTAGE_GRACE_SECONDS (an outage that short is ridden out: streams
pause and resume, nothing is lost or repeated); after that it raises StoreUnavailable, which the web answers with
503 and an `error` event. The client reconnects by itself when Redis is back.
"""

from __future__ import annotations

import asyncio
import json
import string
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
import redis.exceptions

from ..errors import FailureReason, QueueFull, StoreUnavailable, UserLimitReached
from ..logs import get_logger
from ..recap import RenderRequest
from .model import (
    TERMINAL_EVENTS,
    Failed,
    Job,
    JobEvent,
    JobState,
    Queued,
    Running,
    Succeeded,
    event_seq,
    job_key,
)
from .store import Admission, CancelRequest

T = TypeVar("T")
PREFIX = "tr:"
OUTAGE_GRACE_SECONDS = 10.0
READ_BLOCK_MS = 1000
INSTANCE_TTL_SECONDS = 15.0
COUNTS_REFRESH_SECONDS = 1.0
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def lua_with_prefix(source: str) -> str:
    """A script with its keys' prefix written in: the scripts name their keys as `'${prefix}job:' .. id` (Lua has no
    `$`), so PREFIX is stated once, here, for Python and Lua alike."""
    return string.Template(source).substitute(prefix=PREFIX)


CREATE_OR_ATTACH = """
local key_key, queue, running, user_set = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local jobkey, new_id, earlier = ARGV[1], ARGV[2], ARGV[3]
if earlier ~= '' and redis.call('HGET', '${prefix}job:' .. earlier, 'key') == jobkey then
  return {earlier, 0}
end
local current = redis.call('GET', key_key)
if current then
  local status = redis.call('HGET', '${prefix}job:' .. current, 'status')
  if status and status ~= 'failed' then return {current, 0} end
  local remembered = tonumber(redis.call('HGET', '${prefix}job:' .. current, 'remembered_until') or '0')
  if status == 'failed' and remembered > tonumber(ARGV[10]) then return {current, 0} end
end
local stored = ARGV[6]
if stored == '' then
  local queued, busy = redis.call('LLEN', queue), redis.call('SCARD', running)
  if busy >= tonumber(ARGV[7]) and queued >= tonumber(ARGV[8]) then return {'', -1, queued} end
  local active = 0
  for _, id in ipairs(redis.call('SMEMBERS', user_set)) do
    local status = redis.call('HGET', '${prefix}job:' .. id, 'status')
    if status == 'queued' or status == 'running' then active = active + 1 else redis.call('SREM', user_set, id) end
  end
  if active >= tonumber(ARGV[9]) then return {'', -2, active, queued} end
end
local status = stored == '' and 'queued' or 'succeeded'
local state = stored == '' and ARGV[5] or stored
redis.call('HSET', '${prefix}job:' .. new_id, 'key', jobkey, 'request', ARGV[4], 'status', status, 'state', state,
           'seq', 0, 'progress', -1, 'created', ARGV[10])
redis.call('SET', key_key, new_id)
if stored == '' then
  redis.call('RPUSH', queue, new_id)
  redis.call('SADD', user_set, new_id)
  redis.call('RPUSH', '${prefix}wake', '1')
  redis.call('LTRIM', '${prefix}wake', -16, -1)
end
return {new_id, 1}
"""

APPEND = """
local job, stream = KEYS[1], KEYS[2]
if redis.call('EXISTS', job) == 0 or redis.call('HGET', job, 'terminal') == '1' then return false end
local owner = ARGV[3]
if owner ~= '' and redis.call('HGET', job, 'owner') ~= owner then return false end
local seq = redis.call('HINCRBY', job, 'seq', 1)
if ARGV[6] ~= '' then redis.call('HSET', job, 'state', ARGV[6], 'status', ARGV[7]) end
if ARGV[4] == '1' then redis.call('HSET', job, 'terminal', '1') end
if ARGV[5] ~= '' then redis.call('HSET', job, 'progress', ARGV[5]) end
redis.call('XADD', stream, seq .. '-0', 'name', ARGV[1], 'data', ARGV[2])
return seq
"""

TAKE = """
local queue, running = KEYS[1], KEYS[2]
while true do
  local id = redis.call('LPOP', queue)
  if not id then return false end
  if redis.call('HGET', '${prefix}job:' .. id, 'status') == 'queued' then
    redis.call('SADD', running, id)
    redis.call('HSET', '${prefix}job:' .. id, 'status', 'running', 'owner', ARGV[1])
    redis.call('SET', '${prefix}lease:' .. id, ARGV[1], 'PX', ARGV[2])
    return id
  end
end
"""

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

REQUEUE_ABANDONED = """
local queue, running = KEYS[1], KEYS[2]
local requeued = {}
for _, id in ipairs(redis.call('SMEMBERS', running)) do
  if redis.call('EXISTS', '${prefix}lease:' .. id) == 0 then
    redis.call('SREM', running, id)
    if redis.call('HGET', '${prefix}job:' .. id, 'status') == 'running' then
      redis.call('HSET', '${prefix}job:' .. id, 'status', 'queued', 'owner', '')
      redis.call('LPUSH', queue, id)
      table.insert(requeued, id)
    end
  end
end
return requeued
"""

FINISH = """
local job, id = KEYS[1], ARGV[1]
redis.call('SREM', '${prefix}running', id)
redis.call('LREM', '${prefix}queue', 0, id)
redis.call('DEL', '${prefix}lease:' .. id)
redis.call('HSET', job, 'owner', '')
local retention = tonumber(ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', job, 'remembered_until', ARGV[3]) end
redis.call('EXPIRE', job, retention)
redis.call('EXPIRE', '${prefix}events:' .. id, retention)
redis.call('EXPIRE', '${prefix}clients:' .. id, retention)
if redis.call('GET', KEYS[2]) == id then redis.call('EXPIRE', KEYS[2], retention) end
return 1
"""

CAPACITY = """
local total = 0
local entries = redis.call('HGETALL', KEYS[1])
for index = 1, #entries, 2 do
  if redis.call('EXISTS', '${prefix}worker:' .. entries[index]) == 1 then
    total = total + tonumber(entries[index + 1])
  else
    redis.call('HDEL', KEYS[1], entries[index])
  end
end
return total
"""


STREAM_OPENED = """
local key, instance, limit = KEYS[1], ARGV[1], tonumber(ARGV[2])
local total = 0
local entries = redis.call('HGETALL', key)
for index = 1, #entries, 2 do
  if entries[index] == instance or redis.call('EXISTS', '${prefix}instance:' .. entries[index]) == 1 then
    total = total + tonumber(entries[index + 1])
  else
    redis.call('HDEL', key, entries[index])
  end
end
if total >= limit then return 0 end
redis.call('HINCRBY', key, instance, 1)
redis.call('EXPIRE', key, 86400)
return 1
"""

STREAM_CLOSED = """
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
"""


def state_to_json(state: JobState) -> str:
    if isinstance(state, Queued):
        return json.dumps({"status": "queued", "position": state.position})
    if isinstance(state, Running):
        return json.dumps({"status": "running", "phase": state.phase, "progress": state.progress})
    if isinstance(state, Succeeded):
        fields = {
            "filename": state.filename,
            "url": state.url,
            "key": state.key,
            "duration": state.duration,
            "warnings": list(state.warnings),
            "assets": dict(state.assets),
        }
        return json.dumps({"status": "succeeded", **fields})
    return json.dumps(
        {"status": "failed", "reason": state.reason.value, "message": state.message, "kept_file": state.kept_file}
    )


def state_from_json(text: str) -> JobState:
    data = json.loads(text)
    status = data["status"]
    if status == "queued":
        return Queued(int(data["position"]))
    if status == "running":
        return Running(str(data["phase"]), int(data["progress"]))
    if status == "succeeded":
        warnings = tuple(str(warning) for warning in data.get("warnings", []))
        assets = {str(name): str(url) for name, url in (data.get("assets") or {}).items()}
        return Succeeded(
            str(data["filename"]), str(data["url"]), str(data["key"]), float(data["duration"]), warnings, assets
        )
    return Failed(FailureReason(data["reason"]), str(data["message"]), data.get("kept_file"))


def _request(raw: bytes) -> RenderRequest:
    """The request a job hash holds; one that is not even a RenderRequest's shape becomes an empty one, which the
    worker that takes it fails as invalid (runner.py) instead of stopping on it."""
    try:
        return RenderRequest.from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError, AttributeError):
        return RenderRequest(user_id="", recap={})


def shared_secret_sync(url: str, name: str) -> bytes:
    """A fleet-wide secret, created once by whichever instance asks first (a blocking call, for start-up)."""
    import secrets

    import redis as sync_redis

    client = sync_redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        key = f"{PREFIX}secret:{name}"
        client.set(key, secrets.token_hex(32), nx=True)
        value: Any = client.get(key)
        return bytes(value)
    except REDIS_ERRORS as error:
        raise OSError(str(error)) from None
    finally:
        client.close()


class _Follower:
    """This instance's one reader of one job's stream: it keeps the events seen so far and wakes local waiters."""

    def __init__(self, store: RedisJobStore, job: Job) -> None:
        self.store = store
        self.job = job
        self.events: list[JobEvent] = []
        self.changed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.failure: StoreUnavailable | None = None
        self.task = asyncio.ensure_future(self._follow())

    async def _follow(self) -> None:
        stream = f"{PREFIX}events:{self.job.id}"
        outage_since: float | None = None
        while not (self.events and self.events[-1].terminal):
            last = f"{self.events[-1].seq}-0" if self.events else "0-0"
            try:
                answer = await self.store.redis.xread({stream: last}, block=READ_BLOCK_MS)
                outage_since = None
            except REDIS_ERRORS:
                outage_since = outage_since or time.monotonic()
                if time.monotonic() - outage_since > OUTAGE_GRACE_SECONDS:
                    self.failure = StoreUnavailable("the job store is unreachable")
                    self._wake()
                    return
                await asyncio.sleep(0.2)
                continue
            fresh = [
                self.store.event(self.job, entry_id, fields) for _, entries in answer for entry_id, fields in entries
            ]
            if fresh:
                await self.store.observe(self.job, fresh)
                self.events.extend(fresh)
                self._wake()
        self.store.forget_later(self.job)

    def _wake(self) -> None:
        changed, self.changed = self.changed, asyncio.get_running_loop().create_future()
        changed.set_result(None)


class RedisJobStore:
    name = "redis"
    shared = True

    def __init__(self, url: str, retention_seconds: float) -> None:
        # Typed as Any: redis-py's return types are unions of bytes and str (and of awaitables); this store always
        # talks bytes (no decode_responses) and decodes what it reads itself.
        self.redis: Any = aioredis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=READ_BLOCK_MS / 1000 + 5
        )
        self.retention_seconds = retention_seconds
        self.instance = uuid.uuid4().hex[:12]
        self.jobs: dict[str, Job] = {}
        self.followers: dict[str, _Follower] = {}
        self._counts = (0, 0)
        self._scripts = {
            name: self.redis.register_script(lua_with_prefix(source))
            for name, source in (
                ("create", CREATE_OR_ATTACH),
                ("append", APPEND),
                ("take", TAKE),
                ("renew", RENEW),
                ("requeue", REQUEUE_ABANDONED),
                ("finish", FINISH),
                ("capacity", CAPACITY),
                ("stream_opened", STREAM_OPENED),
                ("stream_closed", STREAM_CLOSED),
            )
        }
        self._housekeeping: asyncio.Task[None] | None = None
        self.log = get_logger(component="redis_store", instance=self.instance)

    # -- plumbing ------------------------------------------------------------------------------------------

    async def _call(self, make: Callable[[], Awaitable[T]]) -> T:
        """One Redis call, retried through an outage of up to OUTAGE_GRACE_SECONDS."""
        self._start_housekeeping()
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

    def _start_housekeeping(self) -> None:
        if self._housekeeping is None or self._housekeeping.done():
            self._housekeeping = asyncio.ensure_future(self._keep_house())

    async def _keep_house(self) -> None:
        """The instance's heartbeat (its clients count while it lives) and the fleet's counts for /metrics."""
        while True:
            try:
                await self.redis.set(f"{PREFIX}instance:{self.instance}", "1", px=int(INSTANCE_TTL_SECONDS * 1000))
                self._counts = await self._fleet_counts()
            except REDIS_ERRORS:
                pass
            await asyncio.sleep(COUNTS_REFRESH_SECONDS)

    def _job(self, job_id: str, fields: dict[bytes, bytes]) -> Job:
        """The one Job object of this instance for `job_id`, made from its hash the first time."""
        known = self.jobs.get(job_id)
        if known is None:
            key = fields[b"key"].decode()
            age = max(0.0, time.time() - float(fields.get(b"created", b"0") or 0))
            known = Job(
                key=key,
                request=_request(fields[b"request"]),
                instance=job_id.split("-", 1)[1],
                created_at=time.monotonic() - age,
            )
            self.jobs[job_id] = known
        known.state = state_from_json(fields[b"state"].decode())
        return known

    async def _load(self, job_id: str) -> Job | None:
        fields = await self._call(lambda: self.redis.hgetall(f"{PREFIX}job:{job_id}"))
        return self._job(job_id, fields) if fields else None

    def forget_later(self, job: Job) -> None:
        """Drop this instance's copy of a finished job (and its reader) once its retention is over."""

        def forget() -> None:
            self.jobs.pop(job.id, None)
            self.followers.pop(job.id, None)

        asyncio.get_running_loop().call_later(self.retention_seconds, forget)

    def event(self, job: Job, entry_id: bytes, fields: dict[bytes, bytes]) -> JobEvent:
        seq = int(entry_id.decode().split("-", 1)[0])
        name = fields[b"name"].decode()
        return JobEvent.of(job.id, seq, name, json.loads(fields[b"data"]))

    async def observe(self, job: Job, events: list[JobEvent]) -> None:
        """Keep this instance's view of a job's state in step with the events it reads."""
        for event in events:
            if event.name == "queued":
                job.state = Queued(int(event.data["position"]))
            elif event.name == "progress":
                job.state = Running(str(event.data["phase"]), int(event.data["progress"]))
        if events[-1].terminal:  # the terminal event was written with the final state, in one step
            state = await self._call(lambda: self.redis.hget(f"{PREFIX}job:{job.id}", "state"))
            if state:
                job.state = state_from_json(state.decode())

    # -- the JobStore interface ----------------------------------------------------------------------------

    async def create_or_attach(
        self, request: RenderRequest, last_event_id: str | None, admission: Admission, stored: Succeeded | None
    ) -> tuple[Job, bool]:
        key = job_key(request)
        earlier = last_event_id.rpartition(".")[0] if last_event_id else ""
        if earlier and event_seq(earlier, last_event_id) == 0:
            earlier = ""
        new_id = f"{key[:12]}-{uuid.uuid4().hex[:8]}"
        capacity = max(1, await self.capacity())
        answer = await self._call(
            lambda: self._scripts["create"](
                keys=[f"{PREFIX}key:{key}", f"{PREFIX}queue", f"{PREFIX}running", f"{PREFIX}user:{request.quota_user}"],
                args=[
                    key,
                    new_id,
                    earlier,
                    json.dumps(request.as_json(), ensure_ascii=False),
                    state_to_json(Queued(0)),
                    state_to_json(stored) if stored else "",
                    capacity,
                    admission.max_queued,
                    admission.max_per_user,
                    time.time(),
                ],
            )
        )
        job_id, created = answer[0].decode(), int(answer[1])
        if created == -1:
            raise QueueFull(int(answer[2]), retry_after=admission.retry_after(int(answer[2])))
        if created == -2:
            raise UserLimitReached(int(answer[2]), retry_after=admission.retry_after(int(answer[3])))
        job = await self._load(job_id)
        if job is None:
            raise StoreUnavailable("a job disappeared while it was being created")
        return job, bool(created)

    async def append(
        self, job: Job, name: str, data: dict[str, Any], owner: str | None = None, state: JobState | None = None
    ) -> JobEvent | None:
        keys, args = self._append_call(job, name, data, owner, state)
        seq = await self._call(lambda: self._scripts["append"](keys=keys, args=args))
        if not seq:
            return None
        if state is not None:
            job.state = state
        return JobEvent.of(job.id, int(seq), name, data)

    async def append_many(
        self, job: Job, events: list[tuple[str, dict[str, Any]]], owner: str | None = None
    ) -> list[JobEvent] | None:
        async def appended() -> list[Any]:
            pipe = self.redis.pipeline(transaction=False)
            for name, data in events:
                keys, args = self._append_call(job, name, data, owner, None)
                await self._scripts["append"](keys=keys, args=args, client=pipe)
            return list(await pipe.execute())

        seqs = await self._call(appended)
        if not all(seqs):
            return None
        return [JobEvent.of(job.id, int(seq), name, data) for seq, (name, data) in zip(seqs, events, strict=True)]

    @staticmethod
    def _append_call(
        job: Job, name: str, data: dict[str, Any], owner: str | None, state: JobState | None
    ) -> tuple[list[str], list[str | int]]:
        """The keys and arguments of the append script for one event."""
        args: list[str | int] = [
            name,
            json.dumps(data, ensure_ascii=False),
            owner or "",
            int(name in TERMINAL_EVENTS),
            str(data["progress"]) if name == "progress" else "",
            state_to_json(state) if state is not None else "",
            state.status if state is not None else "",
        ]
        return [f"{PREFIX}job:{job.id}", f"{PREFIX}events:{job.id}"], args

    async def wait_for_events(self, job: Job, seq: int) -> list[JobEvent]:
        follower = self.followers.get(job.id)
        if follower is None:
            follower = self.followers[job.id] = _Follower(self, job)
        while True:
            if follower.failure is not None:
                self.followers.pop(job.id, None)
                raise follower.failure
            events = [event for event in follower.events if event.seq > seq]
            if events:
                return events
            await asyncio.shield(follower.changed)

    async def set_state(self, job: Job, state: JobState) -> None:
        job.state = state
        status = state.status
        await self._call(
            lambda: self.redis.hset(f"{PREFIX}job:{job.id}", mapping={"state": state_to_json(state), "status": status})
        )

    async def take_next(self, worker: str, lease_seconds: float, timeout: float) -> Job | None:
        lease_ms = int(lease_seconds * 1000)
        keys = [f"{PREFIX}queue", f"{PREFIX}running"]
        job_id = await self._call(lambda: self._scripts["take"](keys=keys, args=[worker, lease_ms]))
        if not job_id:
            await self._call(lambda: self.redis.blpop([f"{PREFIX}wake"], timeout=max(1, int(timeout))))
            job_id = await self._call(lambda: self._scripts["take"](keys=keys, args=[worker, lease_ms]))
        return await self._load(job_id.decode()) if job_id else None

    async def renew(self, job: Job, worker: str, lease_seconds: float) -> bool:
        renewed = await self._call(
            lambda: self._scripts["renew"](keys=[f"{PREFIX}lease:{job.id}"], args=[worker, int(lease_seconds * 1000)])
        )
        return bool(renewed)

    async def requeue_abandoned(self) -> list[Job]:
        ids = await self._call(lambda: self._scripts["requeue"](keys=[f"{PREFIX}queue", f"{PREFIX}running"]))
        requeued = []
        for raw in ids:
            job = await self._load(raw.decode())
            if job is not None:
                self.log.warning("lease_expired_requeued", job_id=job.id)
                requeued.append(job)
        if requeued:
            await self._call(lambda: self.redis.rpush(f"{PREFIX}wake", *["1"] * len(requeued)))
        return requeued

    async def queued(self) -> list[Job]:
        ids = await self._call(lambda: self.redis.lrange(f"{PREFIX}queue", 0, -1))
        jobs = [await self._load(raw.decode()) for raw in ids]
        return [job for job in jobs if job is not None]

    async def remove_queued(self, job: Job) -> bool:
        removed = await self._call(lambda: self.redis.lrem(f"{PREFIX}queue", 0, job.id))
        return bool(removed)

    async def finish(self, job: Job, retention_seconds: float, remembered_seconds: float = 0.0) -> None:
        kept = max(1, int(max(retention_seconds, remembered_seconds) + 0.999))
        remembered_until = repr(time.time() + remembered_seconds) if remembered_seconds > 0 else ""
        await self._call(
            lambda: self._scripts["finish"](
                keys=[f"{PREFIX}job:{job.id}", f"{PREFIX}key:{job.key}"], args=[job.id, kept, remembered_until]
            )
        )
        await self._call(lambda: self.redis.srem(f"{PREFIX}user:{job.quota_user}", job.id))
        self.forget_later(job)

    async def add_client(self, job: Job, delta: int) -> int:
        key = f"{PREFIX}clients:{job.id}"
        if delta:
            await self._call(lambda: self.redis.hincrby(key, self.instance, delta))
        counts = await self._call(lambda: self.redis.hgetall(key))
        total = 0
        for instance, count in counts.items():
            if int(count) > 0 and await self._alive("instance", instance.decode()):
                total += int(count)
        return total

    async def stream_opened(self, user: str, limit: int) -> bool:
        keys, args = [f"{PREFIX}streams:{user}"], [self.instance, str(limit)]
        return bool(await self._call(lambda: self._scripts["stream_opened"](keys=keys, args=args)))

    async def stream_closed(self, user: str) -> None:
        keys, args = [f"{PREFIX}streams:{user}"], [self.instance]
        await self._call(lambda: self._scripts["stream_closed"](keys=keys, args=args))

    async def request_cancel(self, job: Job, request: CancelRequest) -> None:
        value = json.dumps({"reason": request.reason.value, "text": request.text})
        await self._call(lambda: self.redis.hsetnx(f"{PREFIX}job:{job.id}", "cancel", value))

    async def cancel_requested(self, job: Job) -> CancelRequest | None:
        value = await self._call(lambda: self.redis.hget(f"{PREFIX}job:{job.id}", "cancel"))
        if not value:
            return None
        data = json.loads(value)
        return CancelRequest(FailureReason(data["reason"]), str(data["text"]))

    async def last_progress(self, job: Job) -> int:
        value = await self._call(lambda: self.redis.hget(f"{PREFIX}job:{job.id}", "progress"))
        return int(value) if value is not None else -1

    async def capacity(self) -> int:
        """One round trip; workers whose heartbeat is gone are dropped from `workers` on the way (a restart leaves
        one each, and every request asks)."""
        return int(await self._call(lambda: self._scripts["capacity"](keys=[f"{PREFIX}workers"])))

    async def _alive(self, kind: str, name: str) -> bool:
        """Whether an instance's or a worker's heartbeat key is still there (this instance always is)."""
        if kind == "instance" and name == self.instance:
            return True
        key = f"{PREFIX}{kind}:{name}"
        return bool(await self._call(lambda: self.redis.exists(key)))

    async def register_worker(self, worker: str, slots: int, ttl_seconds: float) -> None:
        # The heartbeat first: capacity() drops an entry without one.
        await self._call(lambda: self.redis.set(f"{PREFIX}worker:{worker}", "1", px=int(ttl_seconds * 1000)))
        await self._call(lambda: self.redis.hset(f"{PREFIX}workers", worker, slots))

    async def _fleet_counts(self) -> tuple[int, int]:
        queued = await self.redis.llen(f"{PREFIX}queue")
        running = await self.redis.scard(f"{PREFIX}running")
        return int(queued), int(running)

    async def fleet_counts(self) -> tuple[int, int]:
        self._counts = await self._call(self._fleet_counts)
        return self._counts

    async def healthy(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self.redis.ping(), 2))
        except (*REDIS_ERRORS, asyncio.TimeoutError):
            return False

    async def close(self) -> None:
        for follower in self.followers.values():
            follower.task.cancel()
        if self._housekeeping is not None:
            self._housekeeping.cancel()
        await self.redis.aclose()

    def counts(self) -> tuple[int, int]:
        return self._counts
