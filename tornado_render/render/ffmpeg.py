"""Remotion's own ffmpeg and ffprobe, run as child processes that never block the IOLoop.

Why Remotion's: the render already needs them (they ship inside `@remotion/compositor-<platform>`, installed by
`npm ci`), so the soundtrack adds no system dependency. Their build is small: few filters (no afade, ebur128 or
alimiter) and a short list of formats; soundtrack.py works with what is there.

Each run gets an explicit environment that holds only `LD_LIBRARY_PATH` (the binaries' libraries sit beside
them) and a render marker (processes.py: a server that starts after one that died kills what that one left
running): none of the server's secrets reach it. Each run is a process group of its own, killed with everything in it
when its time is up or when the task that waits for it is cancelled (a render cancelled mid-soundtrack leaves no
ffmpeg behind). Only the last lines of stderr are kept, for the reason a run failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from ..errors import MediaToolFailed
from .processes import MARKER_VARIABLE, new_marker

STDERR_TAIL_CHARS = 4000


@dataclass(frozen=True)
class MediaTools:
    """Where Remotion's ffmpeg and ffprobe are, and the environment they run in."""

    ffmpeg: Path
    ffprobe: Path

    @classmethod
    def for_remotion_dir(cls, remotion_dir: Path) -> MediaTools:
        """The binaries of the compositor package `npm ci` installed for this platform (linux-x64-gnu here).

        Finding none is not an error until they are used: a server with a replacement driver may render without
        them, and the soundtrack then warns and leaves the video silent."""
        packages = sorted((remotion_dir / "node_modules" / "@remotion").glob("compositor-*"))
        found = next((package for package in packages if (package / "ffmpeg").is_file()), None)
        folder = found or remotion_dir / "node_modules" / "@remotion" / "compositor-linux-x64-gnu"
        return cls(folder / "ffmpeg", folder / "ffprobe")

    def environment(self) -> dict[str, str]:
        """All a run gets from its parent: where the binaries' shared libraries are, and a marker of this server."""
        return {"LD_LIBRARY_PATH": str(self.ffmpeg.parent), MARKER_VARIABLE: new_marker()}


async def run_tool(executable: Path, args: list[str], env: dict[str, str], timeout: float) -> tuple[bytes, str]:
    """Run `executable args` to completion: (stdout, stderr). Raises MediaToolFailed on a non-zero exit, a missing
    binary or `timeout` seconds; on cancellation the run's process group is killed before CancelledError goes on."""
    name = executable.name
    try:
        process = await asyncio.create_subprocess_exec(
            str(executable),
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as error:
        raise MediaToolFailed(f"could not start {name}: {error.strerror or error}") from None
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except asyncio.TimeoutError:
        await _kill(process)
        raise MediaToolFailed(f"{name} took longer than {timeout:g} s", timed_out=True) from None
    except BaseException:
        await _kill(process)
        raise
    text = stderr.decode("utf-8", errors="replace")[-STDERR_TAIL_CHARS:]
    if process.returncode != 0:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        last = lines[-1][:300] if lines else ""
        raise MediaToolFailed(f"{name} exited with status {process.returncode}: {last}", stderr_tail=text)
    return stdout, text


async def _kill(process: asyncio.subprocess.Process) -> None:
    """SIGKILL the run's process group and reap it (shielded: a second cancellation must not leave a zombie)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.shield(process.wait())
