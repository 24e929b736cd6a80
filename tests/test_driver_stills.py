"""The driver's `stills` mode: single frames of the real composition as PNG images, in one browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.recaps import load_recap
from tests.support.stills import DriverFailed, browser_executable, mean_difference, render_stills, run_driver_job

pytestmark = pytest.mark.render


class TestStills:
    def test_frames_are_full_size_and_differ_between_scenes(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """Each requested frame is a 1080x1920 PNG; the intro and the book scene are different pictures."""
        props = load_recap("one-book")["data"]
        images = render_stills(remotion_bundle, props, [40, 150], tmp_path)
        assert sorted(images) == [40, 150]
        assert all(image.size == (1080, 1920) for image in images.values())
        assert mean_difference(images[40], images[150]) > 5

    def test_the_same_frame_renders_identically_twice(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """Stills are deterministic: two renders of one frame are the same picture."""
        props = load_recap("one-book")["data"]
        first = render_stills(remotion_bundle, props, [150], tmp_path / "a")[150]
        second = render_stills(remotion_bundle, props, [150], tmp_path / "b")[150]
        assert mean_difference(first, second) == 0

    def test_a_frame_past_the_end_is_an_error(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """Asking for a frame the video does not have fails with a message naming the length."""
        props = load_recap("empty-month")["data"]
        with pytest.raises(DriverFailed, match="past the end \\(255 frames\\)"):
            render_stills(remotion_bundle, props, [255], tmp_path)

    def test_stills_report_one_message_each(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """The protocol: one `still` message per frame, in order, then `done` with the length and static spans."""
        props = load_recap("empty-month")["data"]
        stills = [{"frame": frame, "outputPath": str(tmp_path / f"{frame}.png")} for frame in (0, 100)]
        job = {"inputProps": props, "serveUrl": str(remotion_bundle), "browserExecutable": browser_executable()}
        messages = run_driver_job({**job, "stills": stills})
        assert [m["frame"] for m in messages if m["type"] == "still"] == [0, 100]
        done = messages[-1]
        assert isinstance(done.pop("staticSpans"), list)
        assert done == {"type": "done", "stills": 2, "durationInSeconds": 8.5, "frameCount": 255}
