"""Running `tornado-render` from a test: the real command in a child process, with settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.server import ROOT


def run_cli(*args: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess[bytes]:
    """`tornado-render render ARGS` with these settings (S3, the driver command and PUBLIC_URL only when given)."""
    full_env = {**os.environ, "LOG_FORMAT": "json", **env}
    for name in ("S3_BUCKET_NAME", "DRIVER_COMMAND", "PUBLIC_URL"):
        if name not in env:
            full_env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "tornado_render", "render", *args],
        input=stdin,
        capture_output=True,
        env=full_env,
        cwd=ROOT,
        timeout=600,
    )
