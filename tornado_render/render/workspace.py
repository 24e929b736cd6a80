"""Where a render writes its video: OUTPUT_DIR/.rendering/<server pid>/, moved into OUTPUT_DIR only once complete.

A server that dies mid-render (SIGKILL, a lost machine) leaves its half-written files in its own pid's directory,
where the next server that starts finds them and removes them (with the processes it left: processes.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .processes import alive

RENDERING_DIR = ".rendering"


def rendering_path(output_dir: Path, filename: str) -> Path:
    """Where this process writes `filename` while it renders."""
    directory = output_dir / RENDERING_DIR / str(os.getpid())
    directory.mkdir(parents=True, exist_ok=True)
    return directory / filename


def remove_abandoned_renders(output_dir: Path) -> list[Path]:
    """Delete what dead servers were rendering; the files removed."""
    removed: list[Path] = []
    for directory in sorted((output_dir / RENDERING_DIR).glob("*")):
        if directory.name.isdigit() and not alive(int(directory.name)):
            removed.extend(directory.iterdir())
            shutil.rmtree(directory, ignore_errors=True)
    return removed
