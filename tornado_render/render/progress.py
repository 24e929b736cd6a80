"""Overall progress of a render, 0-100, from the driver's two phases (the spec's formulas).

bundling:  Math.floor(bundleProgress * 0.25)       bundleProgress 0-100  ->  0-25
rendering: 25 + Math.round(renderProgress * 75)    renderProgress 0-1    -> 25-100

A stream must show every integer exactly once, in order, even when a phase jumps (a warm bundle goes from 0 to
100 at once; Remotion reports render progress in steps). `ProgressTracker` turns each report into the run of
integers it passed. The phase is a property of the value: 0-25 is "bundling", 26-100 is "rendering".

Within the spec's phases, `activity` says what is happening in words a person reads (the command line's bar, and
render-progress.js the same way): below 25 the bundle is being built; exactly 25 is the bundler's 100 %
(floor(100 * 0.25)), so the bundle is ready and the browser is starting, which takes seconds; above, the render.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BUNDLING = "bundling"
RENDERING = "rendering"
BUNDLE_SHARE = 25


def bundle_percent(bundle_progress: float) -> int:
    """Overall percent for a bundler report (0-100)."""
    return math.floor(_clamp(bundle_progress, 0, 100) * 0.25)


def render_percent(render_progress: float) -> int:
    """Overall percent for a renderMedia report (0-1); rounds half up like Math.round."""
    return BUNDLE_SHARE + math.floor(_clamp(render_progress, 0, 1) * 75 + 0.5)


def phase_of(percent: int) -> str:
    return BUNDLING if percent <= BUNDLE_SHARE else RENDERING


@dataclass(frozen=True)
class ProgressStep:
    progress: int
    phase: str

    @property
    def activity(self) -> str:
        """What is happening, in words (see the module docstring)."""
        if self.phase == BUNDLING:
            return "Building the bundle" if self.progress < BUNDLE_SHARE else "Starting the browser"
        return "Rendering"

    def as_event_data(self) -> dict[str, object]:
        return {"progress": self.progress, "phase": self.phase}


class ProgressTracker:
    """Remembers the last emitted percent and yields the steps up to each new report, never back."""

    def __init__(self) -> None:
        self.last: int = -1

    def advance_to(self, percent: int) -> list[ProgressStep]:
        steps = [ProgressStep(value, phase_of(value)) for value in range(self.last + 1, min(percent, 100) + 1)]
        if steps:
            self.last = steps[-1].progress
        return steps

    def bundle(self, bundle_progress: float) -> list[ProgressStep]:
        return self.advance_to(bundle_percent(bundle_progress))

    def render(self, render_progress: float) -> list[ProgressStep]:
        return self.advance_to(render_percent(render_progress))


def _clamp(value: float, low: float, high: float) -> float:
    if math.isnan(value):
        return low
    return max(low, min(high, value))
