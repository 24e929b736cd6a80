"""Finding and killing every process a render started, and nothing else.

The driver runs in a process group of its own, but Remotion launches Chromium *detached* (a new session, so that
it can kill the browser's group itself), so killing the driver's group does not reach the browser. Every process
of a job therefore carries a marker in its environment (`TORNADO_RENDER_JOB=<token>`, inherited by node, Chromium
and all of Chromium's helpers), and cleanup kills exactly the processes that carry this job's token: wherever they
were reparented, whatever group they made. No name patterns, no strangers.

That environment is built from an allow-list, not copied from the server's: the render processes run untrusted
input (a recap's text, covers) in a Chromium without its sandbox, so they must not hold the server's secrets
(AWS credentials, the signing keys, a licence key, which travels on the driver's stdin when set). They get what
node, Remotion and Chromium need to run (PATH, HOME, locale, time zone, temporary directory) and the marker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import uuid
from collections.abc import Mapping
from pathlib import Path

MARKER_VARIABLE = "TORNADO_RENDER_JOB"
_PROC = Path("/proc")
# The variables a render process may inherit from the server, and nothing else.
ALLOWED_VARIABLES = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "XDG_RUNTIME_DIR"}
)
ALLOWED_PREFIXES = ("LC_",)


def render_environment(source: Mapping[str, str], token: str) -> dict[str, str]:
    """The environment of a render process: the allow-listed part of `source`, and this job's marker."""
    kept = {
        name: value for name, value in source.items() if name in ALLOWED_VARIABLES or name.startswith(ALLOWED_PREFIXES)
    }
    return {**kept, MARKER_VARIABLE: token}


def new_marker() -> str:
    """A marker for one job's processes: this server's pid, then a random part (`1234.9f0c...`)."""
    return f"{os.getpid()}.{uuid.uuid4().hex}"


def kill_abandoned() -> int:
    """SIGKILL render processes whose server is gone (it died without cleaning up); how many were found.

    Their marker names the server's pid; a process is left alone while that server lives.
    """
    found = 0
    for pid, marker in _marked_processes():
        server_pid = marker.partition(".")[0]
        if server_pid.isdigit() and not alive(int(server_pid)):
            found += 1
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
    return found


def alive(pid: int) -> bool:
    """Whether a process with this pid exists (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def marker_entry(token: str) -> bytes:
    return f"{MARKER_VARIABLE}={token}".encode()


def pids_with_marker(token: str) -> list[int]:
    """Live processes whose environment carries this job's marker (ours to kill)."""
    return [pid for pid, marker in _marked_processes() if marker == token]


def _marked_processes() -> list[tuple[int, str]]:
    """(pid, marker) of every live process (zombies aside) that carries a job marker."""
    prefix = marker_entry("")
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
        markers = [item[len(prefix) :] for item in environ.split(b"\0") if item.startswith(prefix)]
        if markers and not _is_zombie(state):
            found.append((int(entry.name), markers[0].decode("ascii", errors="replace")))
    return found


def _is_zombie(stat: str) -> bool:
    # The state is the field after the command name, which is in parentheses and may contain spaces.
    return stat[stat.rfind(")") + 2 :].startswith("Z")


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
