"""What every command checks before it works, each failure a StartupError that says what to fix: a browser for
Remotion, a writable output directory, a storage that answers; and what it cleans up first: the processes and
half-written files a server that died on this machine left behind."""

from __future__ import annotations

import secrets
from typing import Any

from ..batches.store import BatchStore, MemoryBatchStore
from ..errors import BrowserNotFound, StorageUnavailable
from ..jobs.store import JobStore, MemoryJobStore
from ..logs import get_logger
from ..render.browser import find_browser
from ..render.processes import kill_abandoned
from ..render.workspace import remove_abandoned_renders
from ..settings import Settings
from ..storage import Storage, make_storage
from ..storage.naming import load_or_create_secret


class StartupError(Exception):
    """The setup could only fail later; the message is actionable."""


def browser_for(settings: Settings) -> str:
    """The headless Chromium renders use ("" with a replacement driver, which brings its own rendering)."""
    try:
        return find_browser(settings)
    except BrowserNotFound as error:
        if settings.driver_command:
            return ""
        raise StartupError(str(error)) from None


def ready_storage(settings: Settings) -> Storage:
    """The output directory created and the configured storage checked."""
    try:
        settings.output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StartupError(f"cannot create OUTPUT_DIR {settings.output_dir}: {error.strerror}") from None
    storage = make_storage(settings)
    try:
        storage.check()
    except StorageUnavailable as error:
        raise StartupError(str(error)) from None
    return storage


def clean_up_after_the_dead(settings: Settings) -> None:
    """Kill render processes whose server died, and delete what dead servers were rendering into OUTPUT_DIR."""
    killed = kill_abandoned()
    removed = remove_abandoned_renders(settings.output_dir)
    if killed or removed:
        get_logger().info("abandoned_renders_cleaned", processes_killed=killed, files_removed=len(removed))


def video_secret(settings: Settings) -> bytes:
    """VIDEO_KEY_SECRET, else the fleet's shared one (in Redis), else one kept in OUTPUT_DIR."""
    if settings.video_key_secret:
        return settings.video_key_secret.encode("utf-8")
    if settings.redis_url:
        try:
            return shared_secret_sync(settings.redis_url, "video-key-secret")
        except OSError as error:
            raise StartupError(f"cannot reach Redis at REDIS_URL ({error})") from None
    try:
        return load_or_create_secret(settings.output_dir)
    except OSError as error:
        raise StartupError(f"cannot keep the video key secret in OUTPUT_DIR {settings.output_dir}: {error}") from None


def shared_secret_sync(url: str, name: str) -> bytes:
    """A fleet-wide secret, created once in Redis by whichever instance asks first (a blocking call, for start-up)."""
    import redis

    from ..jobs.redis_store import PREFIX, REDIS_ERRORS

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        key = f"{PREFIX}secret:{name}"
        client.set(key, secrets.token_hex(32), nx=True)
        value: Any = client.get(key)
        return bytes(value)
    except REDIS_ERRORS as error:
        raise OSError(str(error)) from None
    finally:
        client.close()


def make_store(settings: Settings) -> JobStore:
    """The job store: the fleet's Redis (REDIS_URL), or this process's memory."""
    if settings.redis_url:
        from ..jobs.redis_store import RedisJobStore

        return RedisJobStore(settings.redis_url, settings.job_retention_seconds)
    return MemoryJobStore()


def make_batch_store(settings: Settings, store: JobStore) -> BatchStore:
    """Where batches are kept: beside the fleet's jobs in Redis (under the job store's prefix), or in memory."""
    if settings.redis_url:
        from ..batches.redis_store import RedisBatchStore
        from ..jobs.redis_store import PREFIX

        return RedisBatchStore(settings.redis_url, getattr(store, "prefix", PREFIX))
    return MemoryBatchStore()
