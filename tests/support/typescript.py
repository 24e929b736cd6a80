"""Asking the composition's TypeScript rules about templates (remotion/scripts/template-rules.mjs), so a test can
hold the server's Python mirror to the one definition: constants, the color grammar, each field's check, the
resolver, and the timing rule. One node run answers a whole batch of questions (about a second)."""

from __future__ import annotations

from typing import Any

from tests.support.remotion import run_node_script


def template_rules(**query: Any) -> dict[str, Any]:
    """The script's answers to `query` (keys: constants, colors, checks, resolve, durations)."""
    answer: dict[str, Any] = run_node_script("template-rules.mjs", query)
    return answer


def calculate_durations(props: list[dict[str, Any]]) -> list[int]:
    """calculateDuration (timeline.ts) of each props (a recap, with its `template`)."""
    return [int(frames) for frames in template_rules(durations=props)["durations"]]


def palette_report(
    seeds: dict[str, list[str]], titles: list[str], images: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """remotion/scripts/palette-report.mjs with these extra seeds and titles: every contrast pair of every preset's
    palette and of the book tints (see the script); with `images` (width, height, base64 RGBA), the browser's
    reading of their colours too (`coverColors`)."""
    report: dict[str, Any] = run_node_script(
        "palette-report.mjs", {"seeds": seeds, "titles": titles, "images": images or []}
    )
    return report
