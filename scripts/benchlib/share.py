"""What the share kit costs (issue 20): the poster and the link card on top of a three-books render, and each shape.

Four jobs through the driver, each round in another order (a rotation) so whatever else the machine does spreads
over all of them: the story alone (what a render was before the share kit); the story with its card (a still of
RecapCard in the same browser) and its poster (frame 0 cut from the finished video by Remotion's ffmpeg, as the
pipeline does); the square shape alone; the landscape shape alone. Target: story + poster + card at most 15 % over
the story alone (medians). The soundtrack's mux is the same for every shape and is left out (0.03 s, measured in
tests/test_soundtrack.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from scripts.benchlib.common import REMOTION, WORK, browser, median, props_file, tuned
from scripts.benchlib.fonts import become_subreaper, build, reap_orphans
from tornado_render.render.assets import extract_poster
from tornado_render.render.ffmpeg import MediaTools

RECAP = "three-books"
JOBS = ("story", "story+poster+card", "square", "landscape")
TARGET = 0.15


def job_for(name: str, bundle: Path, output: Path) -> dict[str, Any]:
    props = json.loads(props_file(RECAP).read_text())
    if name in ("square", "landscape"):
        props["format"] = name
    job = {"inputProps": props, "outputPath": str(output), "serveUrl": str(bundle), "browserExecutable": browser()}
    if name == "story+poster+card":
        job["card"] = {"outputPath": str(output.with_name(output.stem + "-card.jpg"))}
    return {**job, **tuned()}


def run(name: str, bundle: Path, output: Path) -> dict[str, float]:
    """Wall seconds of one job (the poster's cut included where the job makes one), and the driver's own time for
    the card and the poster's cut alone, measured inside the job (less exposed to the machine's noise than a
    difference of two renders)."""
    started = time.monotonic()
    done = subprocess.run(
        ["node", str(REMOTION / "driver" / "render.mjs")],
        cwd=REMOTION,
        input=json.dumps(job_for(name, bundle, output)),
        text=True,
        check=True,
        capture_output=True,
    ).stdout
    parts: dict[str, float] = {}
    if name == "story+poster+card":
        timings = json.loads(done.strip().splitlines()[-1])["timings"]
        parts["card"] = timings["card"] / 1000
        cut = time.monotonic()
        tools = MediaTools.for_remotion_dir(REMOTION)
        asyncio.run(extract_poster(tools, output, output.with_name(output.stem + "-poster.jpg")))
        parts["poster"] = time.monotonic() - cut
    seconds = time.monotonic() - started
    reap_orphans()
    return {"wall": seconds, **parts}


def rotation(round_: int) -> list[str]:
    shift = round_ % len(JOBS)
    return [*JOBS[shift:], *JOBS[:shift]]


def measure(runs: int) -> dict[str, Any]:
    bundle = WORK / "share-bundle"
    build(REMOTION, bundle)
    become_subreaper()
    seconds: dict[str, list[float]] = {name: [] for name in JOBS}
    parts: dict[str, list[float]] = {"card": [], "poster": []}
    for round_ in range(runs):
        for name in rotation(round_):
            result = run(name, bundle, WORK / f"share-{name.replace('+', '-')}.mp4")
            seconds[name].append(result["wall"])
            for part in parts:
                if part in result:
                    parts[part].append(result[part])
            print(f"share: {name}: {result}", flush=True)
    load = os.getloadavg()[1]
    medians = {name: median(values) for name, values in seconds.items()}
    added = medians["story+poster+card"] / medians["story"] - 1
    inside = (median(parts["card"]) + median(parts["poster"])) / medians["story"]
    return {
        "recap": RECAP,
        "settings": tuned(),
        "seconds": seconds,
        "medians": medians,
        "added": added,
        "parts": parts,
        "added_inside": inside,
        "load": load,
    }


def report_lines(share: dict[str, Any]) -> list[str]:
    """The section of docs/PERFORMANCE.md: each job's render time, and what the poster and the card add."""
    runs = len(share["seconds"]["story"])
    lines = [
        "## The share kit (issue 20)",
        "",
        f"{share['recap']} through the driver with the server's settings, medians of {runs} runs in rotating order. "
        "The poster is frame 0 cut from the finished video; the card is a still of RecapCard in the same browser.",
        "",
        "| job | render (median; runs) | against the story alone |",
        "| --- | --- | --- |",
    ]
    story = share["medians"]["story"]
    for name in JOBS:
        runs_text = ", ".join(f"{value:.2f} s" for value in share["seconds"][name])
        against = "" if name == "story" else f"{share['medians'][name] / story - 1:+.1%}"
        lines.append(f"| {name} | {share['medians'][name]:.2f} s ({runs_text}) | {against} |")
    verdict = "met" if share["added"] <= TARGET else "**not met**"
    card, poster = (median(share["parts"][part]) for part in ("card", "poster"))
    lines += [
        "",
        f"Poster + card add {share['added']:+.1%} to the story's render, medians against medians (target at most "
        f"+{TARGET:.0%}: {verdict}). Measured inside the same jobs, the card's still takes {card:.2f} s and the "
        f"poster's cut {poster:.2f} s (medians): {share['added_inside']:+.1%} of the story's median render. The "
        f"machine's 5-minute load average at the end of the run: {share.get('load', float('nan')):.1f} on 2 cores "
        "(above 2, other work shared it, and the whole renders are the noisier figure).",
    ]
    return lines
