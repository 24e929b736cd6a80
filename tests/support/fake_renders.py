"""The fake driver's side of a test: a gate that decides when each fake render may finish, what renders it
received, and whether the processes it started are gone."""

from __future__ import annotations

import json
import os
from pathlib import Path


class Gate:
    """Lets each fake render finish only when the test says so (per recap monthName)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(exist_ok=True)

    def open(self, month_name: str) -> None:
        (self.directory / month_name).touch()


def render_runs(jobs_dir: Path) -> list[dict]:
    """The render jobs the fake driver received (bundle builds excluded)."""
    received = [json.loads(path.read_text()) for path in jobs_dir.glob("*.json")]
    return [job for job in received if "inputProps" in job]


def assert_all_dead(pids_file: Path) -> None:
    """Every process the fake driver recorded (itself, its children) is gone or a zombie being reaped."""
    pids = [int(line) for line in pids_file.read_text().split()]
    assert pids
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        assert state[state.rfind(")") + 2] == "Z", f"process {pid} is still alive"
    assert all(not _alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text()
    return state[state.rfind(")") + 2] != "Z"
