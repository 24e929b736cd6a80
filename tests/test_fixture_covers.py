"""The designed fixture covers (scripts/make-test-covers): what the script draws is what is committed, each is a
small image of its stated shape, and every book of the fixture recaps has one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.support.recaps import BOOK_COVERS, COVERS, DESIGNED_COVERS, RECAP_NAMES, load_recap, with_covers
from tests.support.server import ROOT
from tornado_render.render.covers import cover_slots

SCRIPT = ROOT / "scripts" / "make-test-covers"
MAX_BYTES = 150 * 1024
# file: (width:height, format), as tests/fixtures/README.md lists them
SHAPES = {
    "left-hand-of-darkness-ice.png": ((2, 3), "PNG"),
    "frankenstein-storm.jpg": ((5, 8), "JPEG"),
    "piranesi-tides.jpg": ((2, 3), "JPEG"),
    "three-body-problem.jpg": ((3, 4), "JPEG"),
    "good-omens.png": ((1, 1), "PNG"),
    "middlemarch.png": ((5, 8), "PNG"),
    "the-overstory.jpg": ((2, 3), "JPEG"),
    "dune.jpg": ((4, 3), "JPEG"),
}


class TestFixtureCovers:
    def test_the_script_draws_the_committed_covers(self, tmp_path: Path) -> None:
        """Running scripts/make-test-covers again gives the committed covers, pixel for pixel (within JPEG's
        rounding), so they can be drawn again instead of edited by hand."""
        subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, capture_output=True)
        assert sorted(path.name for path in tmp_path.iterdir()) == DESIGNED_COVERS
        for name in DESIGNED_COVERS:
            with Image.open(tmp_path / name) as drawn, Image.open(COVERS / name) as committed:
                assert drawn.size == committed.size, name
                difference = ImageChops.difference(drawn.convert("RGB"), committed.convert("RGB"))
            assert max(ImageStat.Stat(difference).mean) < 0.5, name

    @pytest.mark.parametrize("name", DESIGNED_COVERS)
    def test_each_cover_is_small_and_of_its_shape(self, name: str) -> None:
        """Each designed cover is under 150 KB, in its format, at its aspect ratio."""
        (across, down), kind = SHAPES[name]
        with Image.open(COVERS / name) as image:
            kind_found, (width, height) = image.format, image.size
        assert (COVERS / name).stat().st_size < MAX_BYTES
        assert kind_found == kind
        assert width * down == height * across

    def test_the_set_is_varied(self) -> None:
        """At least eight designed covers in five aspect ratios, as JPEG and as PNG."""
        assert len(SHAPES) >= 8
        assert set(SHAPES) == set(DESIGNED_COVERS)
        assert {shape for shape, _ in SHAPES.values()} == {(2, 3), (5, 8), (3, 4), (1, 1), (4, 3)}
        assert {kind for _, kind in SHAPES.values()} == {"JPEG", "PNG"}

    @pytest.mark.parametrize("name", RECAP_NAMES)
    def test_every_book_of_the_recaps_gets_its_cover(self, name: str) -> None:
        """with_covers gives every book, currently-reading book and top/lowest-rated book of each fixture recap the
        URL of its designed cover."""
        recap = with_covers(load_recap(name), "http://127.0.0.1:9")
        for slot in cover_slots(recap["data"]):
            assert slot["coverUrl"] == f"http://127.0.0.1:9/{BOOK_COVERS[slot['title']]}"
        assert all(slot["coverUrl"] is None for slot in cover_slots(load_recap(name)["data"]))
