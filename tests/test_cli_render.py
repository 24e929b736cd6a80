"""`tornado-render render`: one recap through the pipeline from the command line, without the web."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.media import probe
from tests.support.recaps import RECAPS, load_recap
from tests.support.server import fake_driver_argv
from tests.support.stills import seed_bundle_cache


def fake(tmp_path: Path, mode: str) -> dict[str, str]:
    """Settings for a run with the fake driver and everything under tmp_path."""
    return {
        "DRIVER_COMMAND": " ".join(fake_driver_argv(tmp_path / "driver", mode, {})),
        "OUTPUT_DIR": str(tmp_path / "output"),
        "LOCAL_STORAGE_DIR": str(tmp_path / "storage"),
        "BUNDLE_DIR": str(tmp_path / "bundles"),
    }


class TestRenderCommand:
    @pytest.mark.render
    def test_renders_a_recap_to_a_file(self, tmp_path: Path, remotion_bundle: Path) -> None:
        """A real render of one-book to -o: exit 0, the path printed, an H.264 video of 420 frames, a progress bar."""
        out = tmp_path / "videos" / "one-book.mp4"
        result = run_cli(
            str(RECAPS / "one-book.json"),
            "-o",
            str(out),
            OUTPUT_DIR=str(tmp_path / "output"),
            BUNDLE_DIR=str(seed_bundle_cache(tmp_path / "bundles", remotion_bundle)),
        )
        assert result.returncode == 0, result.stderr.decode()[-3000:]
        # The video, then its poster and card beside it, one per line.
        assert result.stdout.decode().splitlines() == [
            str(out.resolve()),
            str(out.with_name("one-book-poster.jpg").resolve()),
            str(out.with_name("one-book-card.jpg").resolve()),
        ]
        info = probe(out)
        assert (info.codec, info.width, info.height, info.frames) == ("h264", 1080, 1920, 420)
        progress = result.stderr.decode()
        assert "Rendering" in progress
        assert " 100 %|" in progress
        assert list((tmp_path / "output").glob("*.mp4")) == []

    def test_reads_stdin_and_stores_like_the_server(self, tmp_path: Path) -> None:
        """`-` reads the recap from stdin; without -o the video goes to the local storage and its file is printed."""
        recap = json.dumps(load_recap("one-book")).encode()
        result = run_cli("-", stdin=recap, **fake(tmp_path, "ok"))
        assert result.returncode == 0, result.stderr.decode()[-3000:]
        stored = Path(result.stdout.decode().splitlines()[0])  # the video; its poster and card follow
        assert stored.is_file()
        assert stored.is_relative_to(tmp_path / "storage" / "videos" / "user-789" / "2026" / "10")

    def test_a_soundtrack_that_cannot_be_used_is_a_warning_line(self, tmp_path: Path) -> None:
        """A template whose audio URL the cover rules refuse (loopback): exit 0, the video, and a `warning:` line
        on stderr saying the video is silent."""
        request = {**load_recap("one-book"), "template": {"audio": {"url": "http://127.0.0.1:9/track.mp3"}}}
        out = tmp_path / "silent.mp4"
        result = run_cli("-", "-o", str(out), stdin=json.dumps(request).encode(), **fake(tmp_path, "ok"))
        assert result.returncode == 0, result.stderr.decode()[-3000:]
        assert out.is_file()
        assert (
            "tornado-render render: warning: template.audio.url: the track could not be used (its address is not"
            " allowed); the video is silent"
        ) in result.stderr.decode()

    def test_a_failed_render_exits_1_with_its_message(self, tmp_path: Path) -> None:
        """The driver fails: exit 1 and the failure's message, as a stream would say it."""
        result = run_cli(str(RECAPS / "one-book.json"), "-o", str(tmp_path / "x.mp4"), **fake(tmp_path, "error"))
        assert result.returncode == 1
        assert "Render failed: out of memory" in result.stderr.decode()
        assert not (tmp_path / "x.mp4").exists()

    def test_an_invalid_recap_exits_2_naming_the_field(self, tmp_path: Path) -> None:
        """A recap the server would refuse is refused here too, before any render."""
        recap = load_recap("one-book")
        recap["data"]["meta"]["month"] = 13
        result = run_cli("-", stdin=json.dumps(recap).encode(), **fake(tmp_path, "ok"))
        assert result.returncode == 2
        assert "data.meta.month" in result.stderr.decode()
        assert not (tmp_path / "output").exists()
