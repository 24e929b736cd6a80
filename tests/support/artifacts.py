"""Where tests leave what a person should look at (screenshots, stills, figures): TEST_ARTIFACTS_DIR, default
test-artifacts/ in the project."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.server import ROOT


def artifacts_dir(name: str = "") -> Path:
    """The artifacts folder, or a folder `name` inside it; made if missing."""
    directory = Path(os.environ.get("TEST_ARTIFACTS_DIR") or ROOT / "test-artifacts") / name
    directory.mkdir(parents=True, exist_ok=True)
    return directory
