"""What every benchmark section shares: timing helpers, the recap files, the tuned render settings."""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.support.recaps import load_recap
from tornado_render.render.browser import find_browser
from tornado_render.settings import settings_from_env

ROOT = Path(__file__).resolve().parents[2]
REMOTION = ROOT / "remotion"
DRIVER = REMOTION / "driver" / "render.mjs"
WORK = Path(tempfile.mkdtemp(prefix="tornado-render-bench-"))


def browser() -> str:
    return find_browser(settings_from_env())


def tuned() -> dict[str, Any]:
    """The render settings the server uses by default (see tornado_render.render.pipeline.RenderOptions)."""
    from tornado_render.render.pipeline import RenderOptions

    return RenderOptions.from_settings(settings_from_env(), browser()).driver_fields()


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def props_file(name: str) -> Path:
    path = WORK / f"{name}.props.json"
    path.write_text(json.dumps(load_recap(name)["data"]))
    return path


def timed(args: list[str], *, cwd: Path, stdin: str | None = None) -> float:
    started = time.monotonic()
    subprocess.run(args, cwd=cwd, input=stdin, text=True, check=True, capture_output=True)
    return time.monotonic() - started


def build_bundle() -> tuple[str, float]:
    """A bundle of the current sources, built by the driver; (its directory, seconds it took)."""
    out = WORK / "bundle"
    seconds = timed(
        ["node", str(DRIVER)], cwd=REMOTION, stdin=json.dumps({"bundleOnly": True, "bundleOutDir": str(out)})
    )
    return str(out), seconds


def fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"
