"""Asking the Remotion project's own TypeScript rules something from a test, outside any render: the scripts in
remotion/scripts read JSON on stdin and print JSON (the timeline through calculate-duration.mjs, the text rules
through text-rules.mjs)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.support.server import ROOT

REMOTION = ROOT / "remotion"


def run_node_script(script: str, payload: Any, timeout: float = 120) -> Any:
    """Run remotion/scripts/<script> with `payload` as JSON on stdin; what it prints, parsed."""
    out = subprocess.run(
        ["node", str(REMOTION / "scripts" / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=REMOTION,
        check=True,
        timeout=timeout,
    ).stdout
    return json.loads(out)


def timeline(props: dict[str, Any]) -> dict[str, Any]:
    """calculateDuration and staticSpans straight from the TypeScript source (no bundle, no browser)."""
    result: dict[str, Any] = run_node_script("calculate-duration.mjs", props, timeout=60)
    return result
