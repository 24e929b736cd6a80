"""Asking the composition's TypeScript rules about templates (remotion/scripts/template-rules.mjs), so a test can
hold the server's Python mirror to the one definition: constants, the color grammar, each field's check, the
resolver, and the timing rule. One node run answers a whole batch of questions (about a second)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.support.server import ROOT

SCRIPT = ROOT / "remotion" / "scripts" / "template-rules.mjs"


def template_rules(**query: Any) -> dict[str, Any]:
    """The script's answers to `query` (keys: constants, colors, checks, resolve, durations)."""
    result = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(query),
        capture_output=True,
        text=True,
        cwd=ROOT / "remotion",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def calculate_durations(props: list[dict[str, Any]]) -> list[int]:
    """calculateDuration (timeline.ts) of each props (a recap, with its `template`)."""
    return [int(frames) for frames in template_rules(durations=props)["durations"]]


PALETTE_REPORT = ROOT / "remotion" / "scripts" / "palette-report.mjs"


def palette_report(
    seeds: dict[str, list[str]], titles: list[str], images: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """remotion/scripts/palette-report.mjs with these extra seeds and titles: every contrast pair of every preset's
    palette and of the book tints (see the script); with `images` (width, height, base64 RGBA), the browser's
    reading of their colours too (`coverColors`)."""
    result = subprocess.run(
        ["node", str(PALETTE_REPORT)],
        input=json.dumps({"seeds": seeds, "titles": titles, "images": images or []}),
        capture_output=True,
        text=True,
        cwd=ROOT / "remotion",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout)
    return report
