"""What the bundled fonts cost (issue #14): the bundle's build time and size, and the render time of a Latin-only
recap, before and after.

Three sides: "before" is BASE, the last commit whose video had only Inter and Fraunces; "fonts" is FONTS, BASE plus
the fonts change and nothing else (the tip of the `fonts` branch), so before -> fonts is what the fonts cost;
"now" is the working tree, which adds everything landed since (templates, static spans, ...), so before -> now is
the product's change over the same time, fonts included. Each side bundles its own sources and renders with its
own driver (the driver's font isolation is part of the cost), with the same render settings. Each round runs the
sides in another order (a rotation), so that whatever else the machine is doing spreads over all of them; the
numbers that matter are the medians and their ratios.

Renders also report the CPU time of everything they ran (driver, Chromium, ffmpeg), which other work on a shared
machine inflates far less than wall time: this process becomes a child subreaper (Linux prctl), so Chromium's
processes, orphaned when the driver kills the browser, are reaped here and counted in RUSAGE_CHILDREN.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from scripts.benchlib.common import REMOTION, ROOT, WORK, browser, median, props_file, timed, tuned

BASE = "a1efe6c01fd53ff396f9eb09b0611d305c5be791"
FONTS = "3dd9d84b802bc78754156f35565a0f71bd28a050"
RECAP = "three-books"
SIDES = ("before", "fonts", "now")


def export(commit: str, side: str) -> Path:
    """The Remotion project as of commit, sharing this tree's node_modules (a superset of what it needs)."""
    target = WORK / f"fonts-{side}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit, "remotion"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    (target / "remotion" / "node_modules").symlink_to(REMOTION / "node_modules")
    return target / "remotion"


def build(project: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    job = {"bundleOnly": True, "bundleOutDir": str(out)}
    return timed(["node", str(project / "driver" / "render.mjs")], cwd=project, stdin=json.dumps(job))


def size(directory: Path) -> tuple[int, int]:
    """(bytes, files) of a directory tree."""
    files = [path for path in directory.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(deadline: float = 5.0) -> None:
    """Wait (a bounded time) for the processes the driver left behind, so their CPU time is counted."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settings_for_every_side() -> dict[str, Any]:
    """The service's settings, as BASE's driver takes them: at most one tab per core (BASE passes concurrency to
    Remotion, which refuses more; the driver of today allows one more) and every frame captured (BASE has no static
    spans): before and fonts differ only in their fonts."""
    settings = tuned()
    return {**settings, "concurrency": min(int(settings["concurrency"]), os.cpu_count() or 1), "staticSpans": False}


def render(project: Path, bundle: Path, output: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one render of RECAP."""
    return render_with(project, bundle, output, RECAP, settings_for_every_side())


def render_with(project: Path, bundle: Path, output: Path, recap: str, settings: dict[str, Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one render of `recap` by `project`'s own driver, with these settings."""
    job = {
        "inputProps": json.loads(props_file(recap).read_text()),
        "outputPath": str(output),
        "serveUrl": str(bundle),
        "browserExecutable": browser(),
        **settings,
    }
    cpu = cpu_seconds()
    wall = timed(["node", str(project / "driver" / "render.mjs")], cwd=project, stdin=json.dumps(job))
    reap_orphans()
    return wall, cpu_seconds() - cpu


def rotation(round_: int) -> list[str]:
    """The order of the sides in a round: each side goes first, second and third equally often."""
    shift = round_ % len(SIDES)
    return [*SIDES[shift:], *SIDES[:shift]]


def change(values: dict[str, list[float]], side: str) -> float:
    """side's median against before's, as a fraction (+0.03 = 3 % slower)."""
    return median(values[side]) / median(values["before"]) - 1


def measure(runs: int) -> dict[str, Any]:
    projects = {"before": export(BASE, "before"), "fonts": export(FONTS, "fonts"), "now": REMOTION}
    bundles = {side: WORK / f"fonts-bundle-{side}" for side in SIDES}
    builds: dict[str, list[float]] = {side: [] for side in SIDES}
    renders: dict[str, list[float]] = {side: [] for side in SIDES}
    cpu: dict[str, list[float]] = {side: [] for side in SIDES}
    counts_orphans = become_subreaper()
    for round_ in range(runs):
        for side in rotation(round_):
            builds[side].append(build(projects[side], bundles[side]))
            print(f"fonts: bundle {side}: {builds[side][-1]:.2f} s", flush=True)
    sizes = {side: size(bundles[side]) for side in SIDES}
    for round_ in range(runs):
        for side in rotation(round_):
            wall, seconds = render(projects[side], bundles[side], WORK / f"fonts-{side}-{round_}.mp4")
            renders[side].append(wall)
            cpu[side].append(seconds)
            print(f"fonts: {RECAP} {side}: {wall:.2f} s, CPU {seconds:.2f} s", flush=True)
    return {
        "base": BASE,
        "fonts": FONTS,
        "recap": RECAP,
        "settings": settings_for_every_side(),
        "bundle_seconds": builds,
        "bundle_seconds_median": {side: median(values) for side, values in builds.items()},
        "bundle_bytes": {side: sizes[side][0] for side in SIDES},
        "bundle_files": {side: sizes[side][1] for side in SIDES},
        "render_seconds": renders,
        "render_seconds_median": {side: median(values) for side, values in renders.items()},
        "render_change": {side: change(renders, side) for side in SIDES[1:]},
        "render_cpu_seconds": cpu if counts_orphans else None,
        "render_cpu_change": {side: change(cpu, side) for side in SIDES[1:]} if counts_orphans else None,
    }
