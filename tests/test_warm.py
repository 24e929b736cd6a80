"""Warm drivers (render/warm.py, remotion/driver/warm.mjs). With real Chromium: renders in a row share one browser,
a failure or WARM_RENDERS renders recycle it, a cancelled render leaves it usable (stills keep these fast). With a
small stand-in speaking the warm protocol: a timeout cancels inside the driver, a driver that ignores the cancel is
terminated, one that died while idle is replaced, `close` ends them."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.loops import run_in_own_loop
from tests.support.recaps import load_recap
from tests.support.server import ROOT
from tests.support.stills import browser_executable
from tornado_render.errors import RenderFailed
from tornado_render.render.driver import driver_argv, run_driver
from tornado_render.render.processes import pids_with_marker
from tornado_render.render.warm import DriverPool

REMOTION = ROOT / "remotion"
# A warm driver in a few lines: each job reports progress, then `done` (with its pid), an `error` ("fail") or nothing
# until it is cancelled ("wait"); with the argument "deaf" it ignores cancels.
STAND_IN = r"""
import json, os, sys
deaf = sys.argv[1] == "deaf"
def emit(message):
    print(json.dumps(message), flush=True)
for line in sys.stdin:
    message = json.loads(line)
    if "cancel" in message:
        if not deaf:
            emit({"type": "error", "message": "the render was cancelled (cancel)", "job": message["cancel"]})
        continue
    job_id, job = message["id"], message["job"]
    emit({"type": "render-progress", "progress": 0.5, "renderedFrames": 1, "encodedFrames": 1, "job": job_id})
    if job.get("fail"):
        emit({"type": "error", "message": "out of memory", "job": job_id})
    elif not job.get("wait"):
        emit({"type": "done", "pid": os.getpid(), "job": job_id})
"""


def still_job(bundle: Path, out: Path, frame: int = 10) -> dict[str, Any]:
    return {
        "inputProps": load_recap("one-book")["data"],
        "serveUrl": str(bundle),
        "browserExecutable": browser_executable(),
        "stills": [{"frame": frame, "outputPath": str(out)}],
        "scale": 0.25,
    }


def done(message: dict[str, Any]) -> dict[str, Any] | None:
    return message if message["type"] == "done" else None


async def timed_still(pool: DriverPool, job: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """A still through the pool: the `done` message, and the seconds from the job's start to it."""
    started = time.monotonic()
    message = await run_driver([], job, done, cwd=REMOTION, timeout=120, pool=pool)
    return message, time.monotonic() - started


def with_pool(renders: int, test: Callable[[DriverPool], Awaitable[None]]) -> None:
    """Run `test` with a pool of warm drivers recycled after `renders` renders, and end them afterwards."""

    async def main() -> None:
        pool = DriverPool(driver_argv(None, "node", REMOTION), REMOTION, renders)
        try:
            await test(pool)
        finally:
            await pool.close()

    run_in_own_loop(main())


def environ(pid: int) -> dict[str, str]:
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode().split("=", 1) for entry in entries if b"=" in entry)


def stand_in_pool(mode: str = "ok", renders: int = 10) -> DriverPool:
    return DriverPool([sys.executable, "-c", STAND_IN, mode], ROOT, renders)


def run_stand_in(test: Callable[[], Awaitable[None]]) -> None:
    run_in_own_loop(test())


class TestWarmPool:
    def test_a_timeout_cancels_inside_the_driver(self) -> None:
        """A job past its timeout fails as timed out, is cancelled by the driver, and the driver renders the next."""

        async def test() -> None:
            pool = stand_in_pool()
            first = await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            with pytest.raises(RenderFailed, match=r"timed out after 0\.2 s") as failed:
                await run_driver([], {"wait": True}, done, cwd=ROOT, timeout=0.2, pool=pool)
            assert failed.value.timed_out
            after = await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            assert after["pid"] == first["pid"]
            await pool.close()

        run_stand_in(test)

    def test_a_driver_that_ignores_the_cancel_is_terminated(self) -> None:
        """A cancelled job the driver does not end within the grace: the driver is killed, the next job gets a new
        one."""

        async def test() -> None:
            pool = stand_in_pool("deaf")
            first = await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            deaf = pool.idle[0]
            running = asyncio.Event()

            def handle(message: dict[str, Any]) -> dict[str, Any] | None:
                running.set()
                return done(message)

            render = asyncio.ensure_future(run_driver([], {"wait": True}, handle, cwd=ROOT, timeout=30, pool=pool))
            await asyncio.wait_for(running.wait(), 10)
            render.cancel()
            with pytest.raises(asyncio.CancelledError):
                await render
            assert deaf.process.exited
            assert pool.idle == []
            after = await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            assert after["pid"] != first["pid"]
            await pool.close()

        run_stand_in(test)

    def test_a_failed_job_recycles_the_driver(self) -> None:
        """A job's `error` fails the render with its message and ends that driver."""

        async def test() -> None:
            pool = stand_in_pool()
            first = await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            driver = pool.idle[0]
            with pytest.raises(RenderFailed, match="out of memory"):
                await run_driver([], {"fail": True}, done, cwd=ROOT, timeout=30, pool=pool)
            assert driver.process.exited
            after = await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            assert after["pid"] != first["pid"]
            await pool.close()

        run_stand_in(test)

    def test_a_driver_that_died_idle_is_replaced(self) -> None:
        """A warm driver killed between renders is not handed out: the next render starts a new one."""

        async def test() -> None:
            pool = stand_in_pool()
            first = await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            os.kill(first["pid"], signal.SIGKILL)
            await pool.idle[0].process.wait(5)
            after = await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            assert after["pid"] != first["pid"]
            await pool.close()

        run_stand_in(test)

    def test_close_ends_the_idle_drivers(self) -> None:
        """`close` (the server's shutdown) ends each idle driver through its stdin: it exits with status 0."""

        async def test() -> None:
            pool = stand_in_pool()
            await run_driver([], {}, done, cwd=ROOT, timeout=30, pool=pool)
            driver = pool.idle[0]
            await pool.close()
            assert driver.process.returncode == 0
            assert pids_with_marker(driver.process.token) == []

        run_stand_in(test)


@pytest.mark.render
class TestWarmDriver:
    def test_renders_in_a_row_share_one_browser(
        self, remotion_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Two stills in a row run in the same driver and browser, the second without their start-up cost; the warm
        driver holds none of the server's secrets."""
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-for-the-driver")

        async def test(pool: DriverPool) -> None:
            first, first_seconds = await timed_still(pool, still_job(remotion_bundle, tmp_path / "1.png"))
            driver = pool.idle[0]
            second, second_seconds = await timed_still(pool, still_job(remotion_bundle, tmp_path / "2.png"))
            print(f"first still {first_seconds:.3f} s, second {second_seconds:.3f} s")
            assert pool.idle == [driver]
            assert driver.renders == 2
            assert first["browserPid"] is not None
            assert second["browserPid"] == first["browserPid"]
            assert second_seconds < first_seconds
            assert (tmp_path / "1.png").is_file()
            assert (tmp_path / "2.png").is_file()
            assert driver.process.pid is not None
            assert "AWS_SECRET_ACCESS_KEY" not in environ(driver.process.pid)
            assert "AWS_SECRET_ACCESS_KEY" not in environ(first["browserPid"])

        with_pool(10, test)

    def test_a_failure_recycles_the_driver(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """A render that fails ends its warm driver and browser; the next render gets new ones and succeeds."""

        async def test(pool: DriverPool) -> None:
            first, _ = await timed_still(pool, still_job(remotion_bundle, tmp_path / "1.png"))
            failing = pool.idle[0]
            with pytest.raises(RenderFailed, match="past the end"):
                await timed_still(pool, still_job(remotion_bundle, tmp_path / "2.png", frame=100_000))
            assert pool.idle == []
            assert pids_with_marker(failing.process.token) == []
            after, _ = await timed_still(pool, still_job(remotion_bundle, tmp_path / "3.png"))
            assert after["browserPid"] != first["browserPid"]
            assert pool.idle[0] is not failing

        with_pool(10, test)

    def test_recycled_after_its_renders(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """With 2 renders per driver, the third render starts a new driver and the first one is gone."""

        async def test(pool: DriverPool) -> None:
            first, _ = await timed_still(pool, still_job(remotion_bundle, tmp_path / "1.png"))
            token = pool.idle[0].process.token
            second, _ = await timed_still(pool, still_job(remotion_bundle, tmp_path / "2.png"))
            assert pool.idle == []
            assert pids_with_marker(token) == []
            third, _ = await timed_still(pool, still_job(remotion_bundle, tmp_path / "3.png"))
            assert first["browserPid"] == second["browserPid"] != third["browserPid"]

        with_pool(2, test)

    def test_a_cancelled_render_leaves_the_driver_usable(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """A video render cancelled mid-capture stops inside the driver (no ffmpeg left), and the same browser
        renders the next job."""

        async def test(pool: DriverPool) -> None:
            first, _ = await timed_still(pool, still_job(remotion_bundle, tmp_path / "1.png"))
            driver = pool.idle[0]
            capturing = asyncio.Event()

            def handle(message: dict[str, Any]) -> bool | None:
                if message["type"] == "render-progress" and message["progress"] > 0:
                    capturing.set()
                return True if message["type"] == "done" else None

            video = {**still_job(remotion_bundle, tmp_path / "x.png"), "outputPath": str(tmp_path / "v.mp4")}
            del video["stills"], video["scale"]
            render = asyncio.ensure_future(run_driver([], video, handle, cwd=REMOTION, timeout=300, pool=pool))
            await asyncio.wait_for(capturing.wait(), 120)
            render.cancel()
            with pytest.raises(asyncio.CancelledError):
                await render
            assert pool.idle == [driver]
            left = [os.path.realpath(f"/proc/{pid}/exe") for pid in pids_with_marker(driver.process.token)]
            assert not [exe for exe in left if "ffmpeg" in exe]
            after, _ = await timed_still(pool, still_job(remotion_bundle, tmp_path / "2.png"))
            assert after["browserPid"] == first["browserPid"]
            assert driver.renders == 3

        with_pool(10, test)
