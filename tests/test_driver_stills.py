"""The driver's `stills` mode: single frames of the real composition as PNG images, in one browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

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
        with pytest.raises(DriverFailed, match="past the end \\(300 frames\\)"):
            render_stills(remotion_bundle, props, [300], tmp_path)

    def test_stills_report_one_message_each(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """The protocol: one `still` message per frame, in order, then `done` with the length and static spans."""
        props = load_recap("empty-month")["data"]
        stills = [{"frame": frame, "outputPath": str(tmp_path / f"{frame}.png")} for frame in (0, 100)]
        job = {"inputProps": props, "serveUrl": str(remotion_bundle), "browserExecutable": browser_executable()}
        messages = run_driver_job({**job, "stills": stills})
        assert [m["frame"] for m in messages if m["type"] == "still"] == [0, 100]
        done = messages[-1]
        assert isinstance(done.pop("staticSpans"), list)
        assert done == {"type": "done", "stills": 2, "durationInSeconds": 10, "frameCount": 300}

    def test_a_still_with_its_own_props_is_of_its_own_composition(self, remotion_bundle: Path, tmp_path: Path) -> None:
        """Stills of one job may carry their own inputProps (another template: the server's thumbnails), each
        rendered at `scale`: 270x480 images, each in its template's background, and a frame is checked against
        the length of its own props' video (three books in a grid: 540 frames instead of 780)."""
        recap = load_recap("three-books")["data"]
        light = {
            **recap,
            "template": {"global": {"colors": {"background": "#FAF7F0"}}, "bookReveal": {"layout": "grid"}},
        }
        stills = [
            {"frame": 3, "outputPath": str(tmp_path / "dark.png")},
            {"frame": 3, "outputPath": str(tmp_path / "light.png"), "inputProps": light},
        ]
        job = {"inputProps": recap, "serveUrl": str(remotion_bundle), "browserExecutable": browser_executable()}
        run_driver_job({**job, "stills": stills, "scale": 0.25})
        corners = {}
        for name in ("dark", "light"):
            with Image.open(tmp_path / f"{name}.png") as image:
                assert image.size == (270, 480)
                corners[name] = image.convert("RGB").getpixel((2, 2))
        assert corners == {"dark": (0x0E, 0x0F, 0x13), "light": (0xFA, 0xF7, 0xF0)}
        past = [{"frame": 540, "outputPath": str(tmp_path / "past.png"), "inputProps": light}]
        with pytest.raises(DriverFailed, match="past the end \\(540 frames\\)"):
            run_driver_job({**job, "stills": past})

    def test_a_bad_scale_is_refused_before_any_browser(self, tmp_path: Path) -> None:
        """`scale` must be a number above 0 and at most 4."""
        job = {"inputProps": load_recap("one-book")["data"], "browserExecutable": "/nonexistent", "serveUrl": "x"}
        for scale in (0, 5, "1"):
            with pytest.raises(DriverFailed, match='"scale" must be a number above 0, at most 4'):
                run_driver_job({**job, "stills": [{"frame": 0, "outputPath": str(tmp_path / "x.png")}], "scale": scale})
