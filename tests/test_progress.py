"""The spec's two progress formulas, and the run of integers a stream shows."""

from __future__ import annotations

import pytest

from tornado_render.render.progress import ProgressTracker, bundle_percent, phase_of, render_percent


class TestFormulas:
    @pytest.mark.parametrize(
        ("bundle", "percent"), [(0, 0), (3.99, 0), (4, 1), (50, 12), (99.9, 24), (100, 25), (150, 25), (-5, 0)]
    )
    def test_bundle(self, bundle: float, percent: int) -> None:
        """Math.floor(bundleProgress * 0.25), clamped to the phase."""
        assert bundle_percent(bundle) == percent

    @pytest.mark.parametrize(
        ("render", "percent"),
        [(0, 25), (0.006, 25), (0.00667, 26), (0.5, 63), (0.99, 99), (0.9934, 100), (1, 100), (1.2, 100)],
    )
    def test_render(self, render: float, percent: int) -> None:
        """25 + Math.round(renderProgress * 75), rounding halves up like JavaScript."""
        assert render_percent(render) == percent

    def test_phase_boundaries(self) -> None:
        """0-25 is bundling, 26-100 is rendering."""
        assert [phase_of(n) for n in (0, 25, 26, 100)] == ["bundling", "bundling", "rendering", "rendering"]


class TestTracker:
    def test_jumps_emit_every_integer_once(self) -> None:
        """A warm bundle (0 -> 100) and coarse render reports still yield 0..100 with no gap or repeat."""
        tracker = ProgressTracker()
        steps = tracker.advance_to(0) + tracker.bundle(100) + tracker.render(0.0)
        steps += tracker.render(0.5) + tracker.render(0.4) + tracker.render(1.0) + tracker.render(1.0)
        assert [step.progress for step in steps] == list(range(101))
        assert steps[25].phase == "bundling"
        assert steps[26].phase == "rendering"

    def test_never_goes_back(self) -> None:
        """A lower report after a higher one emits nothing."""
        tracker = ProgressTracker()
        tracker.advance_to(60)
        assert tracker.bundle(100) == []
        assert tracker.last == 60
