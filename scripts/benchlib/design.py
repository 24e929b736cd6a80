"""What the second edition of the video costs (issue 19): render time over video length, before and after.

Two sides: "before" is BEFORE, the last commit of the first edition (90-frame books with 11 still frames, no
music), "now" the working tree. Each side bundles its own sources and renders with its own driver and the server's
own settings (distinct frames on both: the first edition had them too), three-books and five-books, each round in
another order (a rotation), so that whatever else the machine is doing spreads over both sides. Longer holds are
still frames, which the distinct-frame renderer captures once: render time / video length must not rise, and the
target stays <= 1.0. The soundtrack is made and muxed by the server beside and after this render (0.3 s for a bed
beside it, 0.03 s to mux after it: measured in tests/test_soundtrack.py), so the driver's render is the cost.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from scripts.benchlib.common import REMOTION, WORK, browser, median, props_file, tuned
from scripts.benchlib.fonts import become_subreaper, build, export, render_with

BEFORE = "9fff283d760a8d7c93510f69cfd8bab1d4629d26"
RECAPS = ("three-books", "five-books")
SIDES = ("before", "now")


def render(project: Path, bundle: Path, recap: str, output: Path) -> dict[str, float]:
    """One render of `recap` through `project`'s driver: wall and CPU seconds, the video's length and captures."""
    wall, cpu = render_with(project, bundle, output, recap, tuned())
    return {"wall": wall, "cpu": cpu, **_done(project, bundle, recap)}


def _done(project: Path, bundle: Path, recap: str) -> dict[str, float]:
    """The video's length and distinct frames, from a stills job with none (selectComposition only)."""
    stills = {
        "inputProps": json.loads(props_file(recap).read_text()),
        "serveUrl": str(bundle),
        "browserExecutable": browser(),
        "stills": [],
    }
    out = subprocess.run(
        ["node", str(project / "driver" / "render.mjs")],
        cwd=project,
        input=json.dumps(stills),
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    done = json.loads(out.strip().splitlines()[-1])
    spans = done["staticSpans"]
    held = sum(span["last"] - span["first"] for span in spans if "source" not in span)
    held += sum(span["last"] - span["first"] + 1 for span in spans if "source" in span)
    frames = done["frameCount"]
    return {"seconds": float(done["durationInSeconds"]), "frames": frames, "captured": frames - held}


def rotation(round_: int) -> list[str]:
    return list(SIDES) if round_ % 2 == 0 else list(reversed(SIDES))


def measure(runs: int) -> dict[str, Any]:
    projects = {"before": export(BEFORE, "design-before"), "now": REMOTION}
    bundles = {side: WORK / f"design-bundle-{side}" for side in SIDES}
    for side in SIDES:
        build(projects[side], bundles[side])
    counts_orphans = become_subreaper()
    rows: dict[str, dict[str, list[dict[str, float]]]] = {recap: {side: [] for side in SIDES} for recap in RECAPS}
    for round_ in range(runs):
        for recap in RECAPS:
            for side in rotation(round_):
                run = render(projects[side], bundles[side], recap, WORK / f"design-{side}-{recap}.mp4")
                rows[recap][side].append(run)
                print(f"design: {recap} {side}: {run['wall']:.2f} s for {run['seconds']:.1f} s of video", flush=True)
    result: dict[str, Any] = {"before": BEFORE, "settings": tuned(), "cpu_counted": counts_orphans, "recaps": {}}
    for recap in RECAPS:
        sides = {}
        for side in SIDES:
            runs_ = rows[recap][side]
            wall = median([run["wall"] for run in runs_])
            sides[side] = {
                "render_seconds": [run["wall"] for run in runs_],
                "render_median": wall,
                "cpu_median": median([run["cpu"] for run in runs_]),
                "video_seconds": runs_[0]["seconds"],
                "frames": runs_[0]["frames"],
                "captured": runs_[0]["captured"],
                "ratio": wall / runs_[0]["seconds"],
            }
        result["recaps"][recap] = sides
    return result


def report_lines(design: dict[str, Any]) -> list[str]:
    """The section of docs/PERFORMANCE.md: per recap and side, render time over video length."""
    lines = [
        "## The second edition of the video (issue 19)",
        "",
        f"Render time over video length, before (`{design['before'][:7]}`, the first edition) and now, through each "
        "side's own driver with the server's settings (distinct frames on both), medians of "
        f"{len(design['recaps'][RECAPS[0]]['now']['render_seconds'])} runs in rotating order.",
        "",
        "| recap | side | video | frames captured / in video | render (median; runs) | CPU (median) | "
        "render / video length | target | |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for recap, sides in design["recaps"].items():
        for side in SIDES:
            row = sides[side]
            runs = ", ".join(f"{value:.2f} s" for value in row["render_seconds"])
            if side == "before":
                target, verdict = "", ""
            else:
                met = row["ratio"] <= sides["before"]["ratio"]
                target = "not above before's; <= 1.0"
                verdict = ("met" if met else "**not met**") + ("" if row["ratio"] <= 1.0 else " (above 1.0)")
            lines.append(
                f"| {recap} | {side} | {row['video_seconds']:.1f} s | {row['captured']} / {row['frames']} | "
                f"{row['render_median']:.2f} s ({runs}) | {row['cpu_median']:.2f} s | {row['ratio']:.2f} | {target} | "
                f"{verdict} |"
            )
    return lines
