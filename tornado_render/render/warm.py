"""Warm drivers: render after render in one long-lived driver and its open Chromium (WARM_RENDERS > 0).

A one-shot driver pays for every render what has nothing to do with the recap: starting node and loading Remotion,
starting Chromium, and the first page of the bundle (0.5-1.8 s on the 2-core machine of docs/PERFORMANCE.md). A
warm driver (`render.mjs --warm`, remotion/driver/warm.mjs) is started once per render slot that needs one and
takes its jobs one per line on stdin; each job's protocol lines carry its id. `DriverPool` hands an idle warm driver
to each render (`run`, the contract of `driver.run_driver`: the same messages, RenderFailed, timeout) and starts one
only when none is idle, so there are at most as many as renders ever ran at once (MAX_CONCURRENT_RENDERS).

A warm driver is recycled (its stdin closed: it closes its browser and exits; then everything carrying its marker is
killed, as a one-shot run's) after WARM_RENDERS renders, and after any failure whatever its cause: a failed render
may leave the browser in a state nobody wants the next render to inherit, and the next render then starts a new
one. A cancelled render (a timeout, a cancelled job) is cancelled inside the driver through Remotion's cancel
signal, without closing the browser; a driver that does not end the job within TERMINATE_GRACE_SECONDS is
terminated as a one-shot one is (SIGTERM, then SIGKILL of everything with its marker). The marker is the warm
process's, so a job's processes are the driver's; the environment is the same allow-list (processes.py): no secret
reaches a warm driver either.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..errors import RenderFailed
from ..logs import get_logger
from .driver import FINAL_TYPES, TERMINATE_GRACE_SECONDS, DriverProcess

log = get_logger()

WARM_FLAG = "--warm"
# How long a warm driver whose stdin closed may take to close its browser and exit before it is killed.
CLOSE_WAIT_SECONDS = 5.0
T = TypeVar("T")
_Line = dict[str, Any] | RenderFailed | None


class WarmDriver:
    """One long-lived driver process: `start`, `run` one job at a time, `stop`."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        self.process = DriverProcess([*argv, WARM_FLAG], cwd=str(cwd))
        self.renders = 0
        # False after anything but a success or a cancellation the driver carried out: it is then recycled.
        self.usable = True
        self.busy = False
        self._lines: asyncio.Queue[_Line] = asyncio.Queue()
        self._reader: asyncio.Future[None] | None = None

    @property
    def alive(self) -> bool:
        return self.process.started and not self.process.exited

    def start(self) -> None:
        self.process.open()
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        """Every line the driver writes, into the queue; then None (stdout closed)."""
        try:
            async for message in self.process.messages(until_final=False):
                self._lines.put_nowait(message)
        except RenderFailed as error:
            self._lines.put_nowait(error)
        finally:
            self._lines.put_nowait(None)

    async def run(
        self, job: Mapping[str, Any], handle: Callable[[dict[str, Any]], T | None], *, timeout: float, prefix: str
    ) -> T:
        """One job, as `driver.run_driver` runs one: its messages to `handle` until it returns a result."""
        job_id = uuid.uuid4().hex[:16]
        self.renders += 1
        self.busy = True
        if not await self.process.send({"id": job_id, "job": job}):
            self.usable = False
            await self.process.wait(5)
            raise self.process.failure(prefix or None)
        try:
            result = await asyncio.wait_for(self._follow(job_id, handle, prefix), timeout)
        except asyncio.TimeoutError:
            await self._cancel(job_id)
            raise RenderFailed(f"timed out after {timeout:g} s", timed_out=True) from None
        except asyncio.CancelledError:
            await self._cancel(job_id)
            raise
        except BaseException:
            self.usable = False
            raise
        self.busy = False
        return result

    async def _follow(self, job_id: str, handle: Callable[[dict[str, Any]], T | None], prefix: str) -> T:
        while True:
            message = await self._next_line()
            if message.get("job") != job_id:
                continue  # the end of a job whose caller stopped reading early
            if message["type"] in FINAL_TYPES:
                self.busy = False  # the driver is done with the job, whatever `handle` makes of it
            if message["type"] == "error":
                text = str(message.get("message") or "the render driver reported an error")
                raise RenderFailed(f"{prefix}: {text}" if prefix else text, stderr_tail=self.process.stderr.text())
            result = handle(message)
            if result is not None:
                return result
            if message["type"] in FINAL_TYPES:
                raise RenderFailed(f"{prefix}: the job ended without a result" if prefix else "no result")

    async def _next_line(self) -> dict[str, Any]:
        line = await self._lines.get()
        if line is None:
            self._lines.put_nowait(None)  # the stream stays closed for whoever reads next
            await self.process.wait(5)
            raise self.process.failure()
        if isinstance(line, RenderFailed):
            raise line
        return line

    async def _cancel(self, job_id: str) -> None:
        """Ask the driver to cancel the job and wait for its final line; a driver that does not end it in time is
        unusable (and then terminated)."""
        if not await self.process.send({"cancel": job_id}):
            self.usable = False
            return

        async def until_final() -> None:
            while True:
                message = await self._next_line()
                if message.get("job") == job_id and message["type"] in FINAL_TYPES:
                    return

        try:
            await asyncio.wait_for(until_final(), TERMINATE_GRACE_SECONDS)
        except (asyncio.TimeoutError, RenderFailed):
            self.usable = False
            return
        self.busy = False

    async def stop(self) -> None:
        """End the driver and everything it started: an idle one closes its browser and exits; one still busy with a
        job is terminated (SIGTERM, then SIGKILL)."""
        if self.busy or not self.alive:
            await self.process.terminate()
        else:
            self.process.close_stdin()
            await self.process.wait(CLOSE_WAIT_SECONDS)
        await self.process.kill()
        await self.process.wait(5)
        if self._reader is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._reader), 2)


class DriverPool:
    """Warm drivers for the renders of this process, started when needed, each recycled after `renders_per_driver`
    renders or any failure; `close` ends them all (the server's shutdown)."""

    def __init__(self, argv: list[str], cwd: Path, renders_per_driver: int) -> None:
        self.argv = argv
        self.cwd = cwd
        self.renders_per_driver = renders_per_driver
        self.idle: list[WarmDriver] = []
        self.busy: set[WarmDriver] = set()
        self.closed = False

    async def run(
        self,
        job: Mapping[str, Any],
        handle: Callable[[dict[str, Any]], T | None],
        *,
        timeout: float,
        failure_prefix: str = "",
        announce: bool = False,
    ) -> T:
        """`driver.run_driver`'s contract, on a warm driver."""
        driver = await self._take(announce)
        self.busy.add(driver)
        try:
            return await driver.run(job, handle, timeout=timeout, prefix=failure_prefix)
        finally:
            self.busy.discard(driver)
            if driver.usable and driver.alive and driver.renders < self.renders_per_driver and not self.closed:
                self.idle.append(driver)
            else:
                await self._stop(driver, announce)

    async def _take(self, announce: bool) -> WarmDriver:
        while self.idle:
            driver = self.idle.pop()
            if driver.alive:
                if announce:
                    process = driver.process
                    log.info("driver_reused", pid=process.pid, marker=process.token, renders=driver.renders)
                return driver
            await self._stop(driver, announce)  # it died while idle
        driver = WarmDriver(self.argv, self.cwd)
        driver.start()
        if announce:
            log.info("driver_started", pid=driver.process.pid, marker=driver.process.token, warm=True)
        return driver

    async def _stop(self, driver: WarmDriver, announce: bool) -> None:
        await driver.stop()
        if announce:
            log.info(
                "driver_stopped",
                returncode=driver.process.returncode,
                processes_left=len(driver.process.leftover_pids()),
                renders=driver.renders,
                warm=True,
            )

    async def close(self) -> None:
        """Stop the idle drivers; busy ones stop when their render ends."""
        self.closed = True
        idle, self.idle = self.idle, []
        await asyncio.gather(*(self._stop(driver, True) for driver in idle))
