"""scripts/walk, the walk of one GET /render-stream through the package (docs/ARCHITECTURE.md): it runs, and what it
reports is a real request's path (the stream handler and the SSE writer are on it, startup is not)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.support.server import ROOT


def test_the_walk_of_one_request() -> None:
    """One request under the profiler: the files it entered, the stream's handler, the SSE writer and the job
    manager among them, and none of the server's startup."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "walk"), "--top", "40"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = re.search(r"(\d+) calls, (\d+) files entered, (\d+) entries", done.stdout)
    assert summary is not None, done.stdout
    calls, files, entries = map(int, summary.groups())
    assert calls > entries >= files >= 10
    listed = {line.split()[0] for line in done.stdout.splitlines()[2:]}
    assert {"web/handlers/stream.py", "web/sse.py", "jobs/manager.py"} <= listed
    assert listed.isdisjoint({"cli/serve.py", "assembly.py"})  # the server's startup is outside the window
