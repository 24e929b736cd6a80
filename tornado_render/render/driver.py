"""The render driver as seen from the server: a child process that takes one job on stdin and reports on stdout.

`remotion/driver/protocol.mjs` documents the protocol (`render.mjs` is the program). Here it is read line by line
from a Tornado IOStream, so a render never blocks the IOLoop. stderr is drained continuously (a full pipe would stall
the driver) and its last lines are kept to explain a failure. The process gets a group of its own and an
allow-listed environment with a marker (see `processes`), so that ending it reaches everything it started and it
holds none of the server's secrets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shlex
import signal
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tornado.iostream import StreamClosedError, UnsatisfiableReadError
from tornado.process import Subprocess

from ..errors import RenderFailed
from ..logs import get_logger
from . import processes

if TYPE_CHECKING:
    from .warm import DriverPool

log = get_logger()  # a job's lines carry its id and userId: the runner binds them (logs.py)

MAX_LINE_BYTES = 1024 * 1024
STDERR_TAIL_LINES = 40
TERMINATE_GRACE_SECONDS = 3.0
# A SIGKILLed process lingers for a moment before the kernel ends it (a browser with many children: tens of
# milliseconds under load); kill() waits this long, at most, for the run's processes to be gone.
KILLED_GONE_SECONDS = 2.0
KILLED_POLL_SECONDS = 0.02
MESSAGE_TYPES = frozenset({"bundle-progress", "bundled", "preview-failed", "render-progress", "still", "done", "error"})
FINAL_TYPES = frozenset({"done", "error"})
T = TypeVar("T")


def driver_argv(driver_command: str | None, node_executable: str, remotion_dir: Path) -> list[str]:
    """DRIVER_COMMAND split like a shell would, or node running the project's render driver."""
    if driver_command:
        return shlex.split(driver_command)
    return [node_executable, str(remotion_dir / "driver" / "render.mjs")]


def parse_message(line: bytes) -> dict[str, Any]:
    """One protocol line as a dict; anything else is a protocol violation."""
    text = line.decode("utf-8", errors="replace").strip()
    try:
        message = json.loads(text)
    except ValueError:
        raise RenderFailed(f"the render driver printed something that is not JSON: {text[:200]!r}") from None
    if not isinstance(message, dict) or message.get("type") not in MESSAGE_TYPES:
        raise RenderFailed(f"the render driver printed an unknown message: {text[:200]!r}")
    return message


@dataclass
class StderrTail:
    """The last lines of the driver's stderr, for error messages and logs."""

    lines: deque[str] = field(default_factory=lambda: deque(maxlen=STDERR_TAIL_LINES))

    def add(self, chunk: bytes) -> None:
        for line in chunk.decode("utf-8", errors="replace").splitlines():
            if line.strip():
                self.lines.append(line.rstrip())

    def text(self) -> str:
        return "\n".join(self.lines)

    def useful_line(self) -> str:
        """The line most likely to say what went wrong: the last one naming an error, else the last one."""
        for line in reversed(self.lines):
            if "error" in line.lower() or "killed" in line.lower():
                return line.strip()[:300]
        return self.lines[-1].strip()[:300] if self.lines else ""


class DriverProcess:
    """One run of the render driver: `start`, iterate `messages()`, then `terminate()` and `wait()`."""

    def __init__(self, argv: list[str], *, cwd: str | None = None, env: Mapping[str, str] | None = None) -> None:
        self.argv = argv
        self.cwd = cwd
        self.token = processes.new_marker()
        self.env = processes.render_environment(os.environ if env is None else env, self.token)
        self.stderr = StderrTail()
        self.returncode: int | None = None
        self._proc: Subprocess | None = None
        self._exit: asyncio.Future[int] | None = None
        self._stderr_done: asyncio.Future[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def started(self) -> bool:
        return self._proc is not None

    @property
    def exited(self) -> bool:
        return self._exit is not None and self._exit.done()

    async def start(self, job: Mapping[str, Any]) -> None:
        """Start the driver and give it its one job (stdin is closed after it)."""
        self._spawn()
        assert self._proc is not None
        assert self._proc.stdin is not None
        try:
            await self._proc.stdin.write(json.dumps(job).encode("utf-8"))
        except StreamClosedError:
            pass  # the driver died at once; messages() and wait() tell why
        finally:
            self._proc.stdin.close()

    def open(self) -> None:
        """Start a warm driver (warm.py): stdin stays open for `send`."""
        self._spawn()

    async def send(self, message: Mapping[str, Any]) -> bool:
        """One line to a warm driver's stdin; False when the driver no longer reads it."""
        assert self._proc is not None
        assert self._proc.stdin is not None
        try:
            await self._proc.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
        except StreamClosedError:
            return False
        return True

    def close_stdin(self) -> None:
        """End a warm driver's input: it closes its browser and exits."""
        if self._proc is not None and self._proc.stdin is not None:
            self._proc.stdin.close()

    def _spawn(self) -> None:
        try:
            self._proc = Subprocess(
                self.argv,
                stdin=Subprocess.STREAM,
                stdout=Subprocess.STREAM,
                stderr=Subprocess.STREAM,
                cwd=self.cwd,
                env=self.env,
                start_new_session=True,
            )
        except OSError as error:
            raise RenderFailed(f"could not start the render driver: {error.strerror or error}") from None
        self._exit = asyncio.ensure_future(self._proc.wait_for_exit(raise_error=False))
        self._stderr_done = asyncio.ensure_future(self._drain_stderr())

    async def _drain_stderr(self) -> None:
        assert self._proc is not None
        assert self._proc.stderr is not None
        stream = self._proc.stderr
        try:
            while True:
                self.stderr.add(await stream.read_bytes(64 * 1024, partial=True))
        except StreamClosedError:
            pass

    async def messages(self, *, until_final: bool = True) -> AsyncIterator[dict[str, Any]]:
        """Protocol messages until the final one (a warm driver's: every one), or until stdout closes."""
        assert self._proc is not None
        assert self._proc.stdout is not None
        stdout = self._proc.stdout
        while True:
            try:
                line = await stdout.read_until(b"\n", max_bytes=MAX_LINE_BYTES)
            except StreamClosedError:
                return  # a last line without its newline is an unfinished write: not a message
            except UnsatisfiableReadError:
                raise RenderFailed("the render driver printed a line longer than 1 MiB") from None
            if not line.strip():
                continue
            message = parse_message(line)
            yield message
            if until_final and message["type"] in FINAL_TYPES:
                return

    async def wait(self, timeout: float | None = None) -> int:
        """The exit status (negative: killed by that signal); kills everything first if `timeout` passes."""
        if self._exit is None:
            return -1  # never started
        try:
            self.returncode = await asyncio.wait_for(asyncio.shield(self._exit), timeout)
        except asyncio.TimeoutError:
            await self.kill()
            self.returncode = await self._exit
        if self._stderr_done is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._stderr_done), 2)
        return self.returncode

    async def terminate(self, grace: float = TERMINATE_GRACE_SECONDS) -> None:
        """SIGTERM the driver's group, SIGKILL whatever is left after `grace`. The driver takes SIGTERM as a request
        (remotion/driver/cancel.mjs): it cancels the render through Remotion's cancel signal, closes its browser and
        dies by the signal, well within `grace`; the kill stays the last resort."""
        if self._proc is None:
            return
        processes.signal_group(self._proc.pid, signal.SIGTERM)
        assert self._exit is not None
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._exit), grace)
        await self.kill()

    async def kill(self) -> None:
        """SIGKILL the driver's group and every process carrying this run's marker, and wait (briefly) until they are
        gone, so that what `leftover_pids` finds afterwards is what survived the kill, not what was still dying."""
        if self._proc is None:
            return
        processes.kill_everything(self._proc.pid, self.token)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + KILLED_GONE_SECONDS
        while self.leftover_pids() and loop.time() < deadline:
            await asyncio.sleep(KILLED_POLL_SECONDS)

    def leftover_pids(self) -> list[int]:
        """Processes of this run still alive (for tests and logs)."""
        return processes.pids_with_marker(self.token)

    def failure(self, reason: str | None = None) -> RenderFailed:
        """A RenderFailed for a driver that ended without a proper final line."""
        useful = self.stderr.useful_line()
        if reason is None:
            if self.returncode is not None and self.returncode < 0:
                reason = f"the render driver was killed by {_signal_name(-self.returncode)}"
            else:
                reason = f"the render driver exited with status {self.returncode} without a result"
        if useful:
            reason = f"{reason}: {useful}"
        return RenderFailed(reason, stderr_tail=self.stderr.text())


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


async def run_driver(
    argv: list[str],
    job: Mapping[str, Any],
    handle: Callable[[dict[str, Any]], T | None],
    *,
    cwd: Path,
    timeout: float,
    failure_prefix: str = "",
    announce: bool = False,
    pool: DriverPool | None = None,
) -> T:
    """One whole run of the driver: start it with `job`, hand each message to `handle` until it returns a result,
    and stop everything the run started, whatever happened. A driver `error` message, a crash, a protocol
    violation or `timeout` seconds raise RenderFailed (reasons prefixed with `failure_prefix`). A render's run
    (`announce`) logs `driver_started` and `driver_stopped`. With a `pool` (WARM_RENDERS), the job goes to one of
    its warm drivers instead (warm.py), under the same contract."""
    if pool is not None:
        return await pool.run(job, handle, timeout=timeout, failure_prefix=failure_prefix, announce=announce)
    driver = DriverProcess(argv, cwd=str(cwd))
    await driver.start(job)
    if announce:
        log.info("driver_started", pid=driver.pid, marker=driver.token)
    try:
        return await asyncio.wait_for(_follow(driver, handle, failure_prefix), timeout)
    except asyncio.TimeoutError:
        raise RenderFailed(f"timed out after {timeout:g} s", timed_out=True) from None
    finally:
        await driver.terminate()
        await driver.wait(5)
        if announce:
            log.info("driver_stopped", returncode=driver.returncode, processes_left=len(driver.leftover_pids()))


async def _follow(driver: DriverProcess, handle: Callable[[dict[str, Any]], T | None], prefix: str) -> T:
    async for message in driver.messages():
        if message["type"] == "error":
            text = str(message.get("message") or "the render driver reported an error")
            raise RenderFailed(f"{prefix}: {text}" if prefix else text, stderr_tail=driver.stderr.text())
        result = handle(message)
        if result is not None:
            return result
    await driver.wait(5)
    raise driver.failure(prefix or None)
