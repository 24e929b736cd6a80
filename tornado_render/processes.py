"""Finding and killing every process a render started, and nothing else.

The driver runs in a process group of its own, but Remotion launches Chromium *detached* (a new session, so that
it can kill the browser's group itself), so killing the driver's group does not reach the browser. Every process
of a job therefore carries a marker in its environment (`TORNADO_RENDER_JOB=<token>`, inherited by node, Chromium
and all of Chromium's helpers), and cleanup kills exactly the processes that carry this job's token: wherever they
were reparented, whatever group they made. No name patterns, no strangers.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

MARKER_VARIABLE = "TORNADO_RENDER_JOB"
_PROC = Path("/proc")


def marker_entry(token: str) -> bytes:
    return f"{MARKER_VARIABLE}={token}".encode()


def pids_with_marker(token: str) -> list[int]:
    """Live processes whose environment carries this job's marker (ours to kill)."""
    wanted = marker_entry(token)
    found = []
    own = os.getpid()
    for entry in _PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == own:
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if wanted in environ.split(b"\0") and not _is_zombie(state):
            found.append(int(entry.name))
    return found


def _is_zombie(stat: str) -> bool:
    # The state is the field after the command name, which is in parentheses and may contain spaces.
    return stat[stat.rfind(")") + 2 :].startswith("Z")


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def signal_marked(token: str, signum: int) -> int:
    """Send a signal to every process carrying the marker; returns how many were signalled."""
    count = 0
    for pid in pids_with_marker(token):
        try:
            os.kill(pid, signum)
            count += 1
        except (ProcessLookupError, PermissionError):
            pass
    return count


def kill_everything(pgid: int | None, token: str) -> int:
    """SIGKILL the driver's group and every marked process; returns how many marked processes were found."""
    if pgid is not None:
        signal_group(pgid, signal.SIGKILL)
    return signal_marked(token, signal.SIGKILL)
