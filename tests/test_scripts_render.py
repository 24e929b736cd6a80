"""Every reader's library renders: real glyphs for every script and emoji, right-to-left lines laid out as such,
and frames that do not depend on the fonts the rendering machine has installed (issue #14).

The fixture (tests/fixtures/writing-systems/world-shelf.json) has one book per script, each book's id naming its
script. A missing glyph is drawn as the same empty box (or nothing) whatever the character, so "the glyphs are
real" is checked by rendering each book scene twice with a few characters of its title (or author) changed to
other characters of the same script: the pixels must differ. Each script's book scene is saved to the test
artifacts as `script-<id>.png`.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from tests.support.artifacts import artifacts_dir
from tests.support.book_frame import CONTENT_LEFT, CONTENT_RIGHT, TextBand, ink, text_blocks
from tests.support.recaps import FIXTURES, load_recap
from tests.support.remotion import timeline
from tests.support.server import ROOT
from tests.support.stills import Box, identical, render_stills
from tests.support.woff import woff_to_sfnt

pytestmark = pytest.mark.render

WORLD_SHELF = FIXTURES / "writing-systems" / "world-shelf.json"

# book id -> (title, authors) with a few characters replaced by others of the same script; emoji kept.
VARIANTS: dict[str, tuple[str, list[str]]] = {
    "latin-vietnamese": ("Nỗi buổn chiến trảnh", ["Bửo Nĩnh"]),
    "greek": ("Βίος και πολιτεία του Αλέξη Ζορμξύ", ["Νίκος Καζαντζάκηψ"]),
    "cyrillic": ("Война и мыж 📚", ["Лев Толстюй"]),
    "armenian": ("Վերք Հայաստաշը", ["Խաչատուր Աբովյէն"]),
    "georgian": ("ვეფხისტყაოსაჟო", ["შოთა რუსთაველო"]),
    "hebrew": ("סיפור פשטק", ["ש״י עגנוץ"]),
    "arabic": ("مئة عام من العزبك", ["غابرييل غارسيا ماركيش"]),
    "persian": ("بوف کوژ", ["صادق هدایچ"]),
    "urdu": ("اداس نسلڑے", ["عبداللہ حسیٹ"]),
    "devanagari": ("गोधाम", ["प्रेमचंझ"]),
    "bengali": ("পথের পাঁচাঙী", ["বিভূতিভূষণ বন্দ্যোপাধ্যাঝ"]),
    "tamil": ("பொன்னியின் செல்டம்", ["கல்கி கிருஷ்ணமூர்த்து"]),
    "thai": ("สี่แผ่นดาว", ["คึกฤทธิ์ ปราโมท"]),
    "japanese": ("ノルウォイの林", ["村上夏樹"]),
    # The last characters change: a title cut by the line clamp would hide them.
    "japanese-long": ("色彩を持たない多崎つくると、彼の巡航の月", ["村上夏樹"]),
    "chinese-simplified": ("三体：黑暗树海", ["刘慈云"]),
    "chinese-traditional": ("紅樓記", ["曹雪樺"]),
    "korean": ("채식주희잔 🌱", ["한결"]),
    "mixed-direction": ("Hebrew for Beginners: עברית למתחילות 🌍", ["Shlomit Ben-David", "שלומית בן דור"]),
}
# book id -> title with its emoji replaced by other emoji
EMOJI_VARIANTS: dict[str, str] = {
    "cyrillic": "Война и мир 📖",
    "korean": "채식주의자 🌿",
    "mixed-direction": "Hebrew for Beginners: עברית למתחילים 🌏",
}
RIGHT_TO_LEFT = ("hebrew", "arabic", "persian", "urdu")


# Every book's scene on one tint: a book without a cover is otherwise tinted from its title, so a title changed by
# a few letters would change the whole background, where these tests look for the letters alone.
SHELF_TINT = ["#1F3A6B"]


def world_shelf() -> dict[str, Any]:
    data = copy.deepcopy(json.loads(WORLD_SHELF.read_text())["data"])
    for book in data["books"]:
        book["coverPalette"] = SHELF_TINT
    return data


def book_frames(props: dict[str, Any]) -> dict[str, int]:
    """Book id -> a frame of its scene where everything has entered and nothing has started to leave (timeline.ts)."""
    scenes = [scene for scene in timeline(props)["scenes"] if scene["kind"] == "book"]
    return {
        book["id"]: scene["from"] + min(scene["settledAt"], scene["exitAt"] - 1)
        for book, scene in zip(props["books"], scenes, strict=True)
    }


@dataclass
class Stills:
    """The world shelf's book scenes, as drawn from the fixture and from its variants."""

    base: dict[str, Image.Image]
    titles: dict[str, Image.Image]
    authors: dict[str, Image.Image]
    emoji: dict[str, Image.Image]


def render_books(bundle: Path, props: dict[str, Any], ids: list[str], out: Path) -> dict[str, Image.Image]:
    frames = book_frames(props)
    images = render_stills(bundle, props, [frames[book_id] for book_id in ids], out)
    return {book_id: images[frames[book_id]] for book_id in ids}


def with_books(changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    props = world_shelf()
    for book in props["books"]:
        book.update(changes.get(book["id"], {}))
    return props


@pytest.fixture(scope="module")
def artifacts() -> Path:
    return artifacts_dir()


@pytest.fixture(scope="module")
def stills(remotion_bundle: Path, tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Stills:
    """One still per book of the fixture and of each variant (four driver runs); the fixture's go to the artifacts."""
    out = tmp_path_factory.mktemp("world-shelf")
    ids = [book["id"] for book in world_shelf()["books"]]
    base = render_books(remotion_bundle, world_shelf(), ids, out / "base")
    for book_id, image in base.items():
        image.save(artifacts / f"script-{book_id}.png")
    titles = with_books({book_id: {"title": title} for book_id, (title, _) in VARIANTS.items()})
    authors = with_books({book_id: {"authors": names} for book_id, (_, names) in VARIANTS.items()})
    emoji = with_books({book_id: {"title": title} for book_id, title in EMOJI_VARIANTS.items()})
    return Stills(
        base=base,
        titles=render_books(remotion_bundle, titles, ids, out / "titles"),
        authors=render_books(remotion_bundle, authors, ids, out / "authors"),
        emoji=render_books(remotion_bundle, emoji, list(EMOJI_VARIANTS), out / "emoji"),
    )


def changed_pixels(a: Image.Image, b: Image.Image, box: Box | None = None) -> int:
    """How many pixels differ (in `box`, or anywhere)."""
    if box is not None:
        a, b = a.crop(box.as_tuple()), b.crop(box.as_tuple())
    mask = ImageChops.difference(a, b).convert("L").point(lambda value: 255 if value > 24 else 0)
    return mask.histogram()[255]


class TestWorldShelf:
    def test_the_fixture_has_one_book_per_variant(self) -> None:
        """Every book of the fixture has its variant, so no script goes unchecked."""
        assert sorted(book["id"] for book in world_shelf()["books"]) == sorted(VARIANTS)

    @pytest.mark.parametrize("book_id", sorted(VARIANTS))
    def test_title_glyphs_are_drawn(self, stills: Stills, book_id: str) -> None:
        """Changing a few letters of the title changes the title's pixels: its glyphs are real, not empty boxes."""
        band = TextBand.of(stills.base[book_id]).box
        assert changed_pixels(stills.base[book_id], stills.titles[book_id], band) > 150

    @pytest.mark.parametrize("book_id", sorted(VARIANTS))
    def test_author_glyphs_are_drawn(self, stills: Stills, book_id: str) -> None:
        """Changing a few letters of the author changes the frame: the author line's glyphs are real."""
        assert changed_pixels(stills.base[book_id], stills.authors[book_id]) > 60

    @pytest.mark.parametrize("book_id", sorted(EMOJI_VARIANTS))
    def test_emoji_are_drawn_in_colour(self, stills: Stills, book_id: str) -> None:
        """Another emoji in the title gives other pixels, and the emoji has colour (it is not a grey box)."""
        base, other = stills.base[book_id], stills.emoji[book_id]
        band = TextBand.of(base).box
        assert changed_pixels(base, other, band) > 150
        diff_box = ImageChops.difference(base.crop(band.as_tuple()), other.crop(band.as_tuple())).getbbox()
        assert diff_box is not None
        saturation = base.crop(band.as_tuple()).crop(diff_box).convert("HSV").getchannel("S")
        assert saturation.getextrema()[1] > 120, "the emoji has no saturated colour"

    @pytest.mark.parametrize("book_id", RIGHT_TO_LEFT)
    def test_right_to_left_lines_are_right_aligned(self, stills: Stills, book_id: str) -> None:
        """A Hebrew or Arabic title and its author line end at the right margin and leave the left side empty."""
        image = stills.base[book_id]
        blocks = text_blocks(image, TextBand.of(image).box)
        assert len(blocks) >= 2, blocks
        for block in blocks:
            assert block.right >= CONTENT_RIGHT - 12, f"{block} does not reach the right margin"
            assert block.left >= CONTENT_LEFT + 100, f"{block} starts at the left margin"

    @pytest.mark.parametrize("book_id", ["latin-vietnamese", "greek", "japanese", "mixed-direction"])
    def test_left_to_right_lines_stay_left_aligned(self, stills: Stills, book_id: str) -> None:
        """Titles that start with a left-to-right letter (a Hebrew phrase inside included) start at the left margin."""
        image = stills.base[book_id]
        blocks = text_blocks(image, TextBand.of(image).box)
        assert len(blocks) >= 2, blocks
        for block in blocks:
            # (a 120 px title's first glyph has a side bearing of up to 15 px)
            assert block.left <= CONTENT_LEFT + 16, f"{block} does not start at the left margin"

    def test_mixed_direction_keeps_its_order(self, stills: Stills) -> None:
        """In "Hebrew for Beginners: עברית למתחילים 🌍" the emoji typed last stays at the end (the right) of its
        left-to-right line, after the Hebrew words, and the line starts at the left margin."""
        base, other = stills.base["mixed-direction"], stills.emoji["mixed-direction"]
        band = TextBand.of(base).box
        emoji = ImageChops.difference(base.crop(band.as_tuple()), other.crop(band.as_tuple())).getbbox()
        assert emoji is not None
        text = ink(base, Box(band.left, band.top + emoji[1], band.right, band.top + emoji[3])).getbbox()
        assert text is not None
        # (two globes share their outline, so the changed pixels end a little inside the glyph)
        assert emoji[2] >= text[2] - 8, f"something is drawn right of the emoji: {emoji} in a line {text}"
        assert text[0] <= CONTENT_LEFT + 12, f"the line {text} does not start at the left margin"
        assert emoji[0] - text[0] > 200, "the Hebrew words are not left of the emoji"

    def test_a_long_japanese_title_is_not_cut(self, stills: Stills) -> None:
        """The last characters of a long title without spaces are drawn: it wraps instead of being clamped."""
        band = TextBand.of(stills.base["japanese-long"]).box
        lower_half = Box(band.left, band.top + (band.bottom - band.top) // 3, band.right, band.bottom)
        assert changed_pixels(stills.base["japanese-long"], stills.titles["japanese-long"], lower_half) > 150

    def test_the_cjk_title_wraps_within_the_margins(self, stills: Stills) -> None:
        """The long Japanese title takes more than one line and no line reaches past the right margin."""
        image = stills.base["japanese-long"]
        title = text_blocks(image, TextBand.of(image).box, gap=4)[:-1]
        assert len(title) >= 2, title
        assert all(line.right <= CONTENT_RIGHT for line in title)


# ---------------------------------------------------------------------------------------------------------------
# System fonts

ETHIOPIC_WOFF = (
    ROOT / "remotion/node_modules/@fontsource/noto-sans-ethiopic/files/noto-sans-ethiopic-ethiopic-400-normal.woff"
)
ETHIOPIC_TITLE = "ፍቅር እስከ መቃብር"  # no bundled font covers Ethiopic


def driver_env(home: Path) -> dict[str, str]:
    """The environment the server gives the driver: an allow-list, with HOME pointing at `home`."""
    env = {key: os.environ[key] for key in ("PATH", "LANG", "TMPDIR") if key in os.environ}
    return {**env, "HOME": str(home)}


@pytest.fixture
def homes(tmp_path: Path) -> tuple[Path, Path]:
    """Two home directories: one with an Ethiopic font in ~/.fonts (where fontconfig looks), one without."""
    with_font, without = tmp_path / "with-font", tmp_path / "without"
    (with_font / ".fonts").mkdir(parents=True)
    without.mkdir()
    (with_font / ".fonts" / "NotoSansEthiopic-Regular.ttf").write_bytes(woff_to_sfnt(ETHIOPIC_WOFF.read_bytes()))
    return with_font, without


class TestSystemFonts:
    def test_the_fixture_font_is_a_system_font(self, homes: tuple[Path, Path]) -> None:
        """The Ethiopic font put in ~/.fonts is one fontconfig offers (so the next test can tell the difference)."""
        if shutil.which("fc-list") is None:
            pytest.skip("fc-list (fontconfig) is not installed")
        with_font, without = homes
        listed = subprocess.run(
            ["fc-list", ":lang=am", "family"], env=driver_env(with_font), capture_output=True, text=True, check=True
        )
        assert "Noto Sans Ethiopic" in listed.stdout
        unlisted = subprocess.run(
            ["fc-list", ":lang=am", "family"], env=driver_env(without), capture_output=True, text=True, check=True
        )
        assert "Noto Sans Ethiopic" not in unlisted.stdout

    def test_installed_fonts_do_not_change_the_video(
        self, remotion_bundle: Path, homes: tuple[Path, Path], tmp_path: Path
    ) -> None:
        """A title in a script no bundled font covers renders the same whether or not the machine has a font for it."""
        props = load_recap("one-book")["data"]
        props["books"][0]["title"] = ETHIOPIC_TITLE
        frame = next(iter(book_frames(props).values()))
        with_font, without = homes
        seen = render_stills(remotion_bundle, props, [frame], tmp_path / "a", env=driver_env(with_font))[frame]
        unseen = render_stills(remotion_bundle, props, [frame], tmp_path / "b", env=driver_env(without))[frame]
        assert identical(seen, unseen)
