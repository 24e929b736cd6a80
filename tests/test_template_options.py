"""Every option of a template visibly does what its name says (issue 12): for each one, the frame it affects is
rendered with and without it, and the difference is checked where it should be: a sampled color, a region that
holds an element or not, the bounding box or count of elements, the length of the video.

All stills of this module are declared up front in `SHOTS` and rendered in one driver run (`shots` fixture); the
frame counts come from the driver's `done` message (`lengths` fixture). Timelines at the default timing, used below:
one-book: intro 0-59, the book 60-179, stats 180-329, outro 330-419 (420 frames); three-books (and READING, the same
month with three books in progress): books 60-419, stats 420-569, currently reading 570-689, outro 690-779. Each
scene but the outro ends with a 12-frame wipe (the next scene's background rising over it); a book scene has a
background of its own (a tint of its cover), so its measures are taken against the background sampled in it.
The timing cases are rendered without music (`audio: null`), so a timing is laid out exactly as given; with music
a scene's start moves to the beat (TestTiming.test_music_moves_scene_starts_to_the_beat).
The stills are kept in the test artifacts (template-options/).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.support.artifacts import artifacts_dir
from tests.support.recaps import load_recap
from tests.support.stills import REMOTION, Box, identical, mean_difference
from tests.support.template_stills import (
    FULL,
    ShotList,
    bands,
    blobs,
    close,
    content_box,
    content_mask,
    count_near,
    frame_counts,
    height_of,
    hex_rgb,
    ink,
    pixel,
    props_of,
    render_shots,
    width_of,
)
from tornado_render.templates import TemplateCatalog, duration_frames

pytestmark = pytest.mark.render

# The default design's colors (hex in the default preset), which the "without" pictures show.
DEFAULTS: dict[str, str] = json.loads((REMOTION / "src" / "template" / "presets" / "default.json").read_text())[
    "template"
]["global"]["colors"]
BG = hex_rgb(DEFAULTS["background"])

ONE = "one-book"
THREE = "three-books"


def with_reading(count: int) -> dict[str, Any]:
    """three-books with `count` books in progress (the fixtures have at most one)."""
    data = load_recap(THREE)["data"]
    titles = ["Middlemarch", "Dune", "Beloved", "Kindred", "Ulysses", "Emma"]
    data["currentlyReading"] = [
        {"id": f"cr-{i}", "title": title, "authors": ["A. Writer"], "coverUrl": None, "progress": 20 + 15 * i}
        for i, title in enumerate(titles[:count])
    ]
    return data


def one_book(**changes: Any) -> dict[str, Any]:
    """one-book with its book changed (status, rating average)."""
    data = load_recap(ONE)["data"]
    book = data["books"][0]
    average = changes.pop("average", None)
    if average is not None:
        book["rating"]["average"] = average
        data["stats"]["averageRating"] = average
        data["stats"]["topRatedBook"]["rating"] = average
    book.update(changes)
    return data


READING = with_reading(3)
READING_5 = with_reading(5)
DNF_BOOK = one_book(status="DNF")
MEDIUM_BOOK = one_book(average=6.0)
LOW_BOOK = one_book(average=3.0)

# Scene starts at the default timing (see the module docstring).
BOOK, STATS, OUTRO, CURRENT = 60, 180, 330, 570


def colors(**values: str) -> dict[str, Any]:
    return {"global": {"colors": values}}


def fonts(**values: str) -> dict[str, Any]:
    return {"global": {"fonts": values}}


def timing(**values: int) -> dict[str, Any]:
    """A template with these timing values, without music (so nothing moves to a beat)."""
    return {"global": {"timing": values}, "audio": None}


SHOTS = ShotList()
add = SHOTS.add

# The default picture of each scene, settled (nothing moves).
add("intro", ONE, 30)
add("book", ONE, BOOK + 80)
add("stats", ONE, STATS + 100)
add("outro", ONE, OUTRO + 60)
add("reading", READING, CURRENT + 80)

# ---------------------------------------------------------------------------------------------------------------
# global.colors: each one set to a loud color, in a scene that uses it.

LOUD = "#FF00FF"
# Cards and bar tracks take a dark loud colour instead: the palette (remotion/src/palette/) keeps text readable on
# cards and the accent bars visible on their track, so a bright magenta card or track is (rightly) adjusted.
LOUD_DARK = "#5A005A"
LOUD_FOR = {"backgroundSecondary": LOUD_DARK, "accentMuted": LOUD_DARK}
COLOR_SHOTS: dict[str, tuple[Any, int]] = {
    "background": (ONE, 30),
    "backgroundSecondary": (ONE, STATS + 100),
    "backgroundTertiary": (ONE, 30),
    "textPrimary": (ONE, 30),
    "textSecondary": (ONE, BOOK + 80),
    "textMuted": (ONE, BOOK + 80),
    "accent": (ONE, 30),
    "accentSecondary": (ONE, 30),
    "accentMuted": (READING, CURRENT + 80),
    "completed": (ONE, BOOK + 80),
    "dnf": (DNF_BOOK, BOOK + 80),
    "ratingHigh": (ONE, BOOK + 80),
    "ratingMedium": (MEDIUM_BOOK, BOOK + 80),
    "ratingLow": (LOW_BOOK, BOOK + 80),
    "overlay": (ONE, 30),
    "grain": (ONE, 30),
}
for key, (recap, frame) in COLOR_SHOTS.items():
    add(f"color-{key}", recap, frame, colors(**{key: LOUD_FOR.get(key, LOUD)}))
add("dnf-book", DNF_BOOK, BOOK + 80)
add("medium-book", MEDIUM_BOOK, BOOK + 80)
add("low-book", LOW_BOOK, BOOK + 80)

# ---------------------------------------------------------------------------------------------------------------
# global.fonts

add("font-heading", ONE, 30, fonts(heading="Inter"))
add("font-body", ONE, 30, fonts(body="JetBrains Mono"))
add("font-mono", ONE, BOOK + 80, fonts(mono="JetBrains Mono"))

# ---------------------------------------------------------------------------------------------------------------
# global.timing: each value changed; the frame where that shows, with and without it.


@dataclass(frozen=True)
class TimingCase:
    """A timing value, how the video's length changes with it, and the check of the frame where it shows.

    kind: `entrance` (at `frame`, the part of the picture in `region` of the settled scene shows less than at the
    default timing: it is still entering), `held` (at `frame` the scene is still whole: the settled picture, where
    the default already shows something else), `wiping` (at `frame` the next scene's background is still rising
    over this one: its top still shows this scene's background, its bottom the next scene's, where the default has
    moved on), `counting` (at `frame` the default's number in `region` has reached its value, the stretched one is
    still counting), `ending` (the end card lasts longer: at `frame`, past the default's last frame, it is still
    the settled end card).
    """

    value: int
    recap: Any
    delta: int
    kind: str
    frame: int
    settled: str
    region: str = "full"


TIMING: dict[str, TimingCase] = {
    "introFadeIn": TimingCase(31, ONE, 30, "held", 74, "intro"),
    "introHold": TimingCase(77, ONE, 30, "held", 74, "intro"),
    "introFadeOut": TimingCase(42, ONE, 30, "wiping", 74, "intro"),
    "introTotal": TimingCase(90, ONE, 30, "held", 74, "intro"),
    "bookSlideIn": TimingCase(42, ONE, 24, "entrance", BOOK + 8, "book", "cover"),
    "bookTitleType": TimingCase(30, ONE, 18, "entrance", BOOK + 14, "book", "title"),
    "bookRatingCount": TimingCase(40, ONE, 22, "entrance", BOOK + 22, "book", "stars"),
    "bookHold": TimingCase(90, ONE, 30, "held", BOOK + 115, "book"),
    "bookExit": TimingCase(42, ONE, 30, "wiping", BOOK + 130, "book"),
    "bookTotal": TimingCase(150, ONE, 30, "held", BOOK + 115, "book"),
    "statsCountUp": TimingCase(60, ONE, 30, "counting", STATS + 45, "stats", "pages"),
    "statsHold": TimingCase(138, ONE, 30, "held", STATS + 145, "stats"),
    "statsFadeOut": TimingCase(42, ONE, 30, "wiping", STATS + 160, "stats"),
    "statsTotal": TimingCase(180, ONE, 30, "held", STATS + 145, "stats"),
    "comingSoonFadeIn": TimingCase(60, READING, 30, "entrance", CURRENT + 10, "reading", "readingRows"),
    "comingSoonHold": TimingCase(108, READING, 30, "held", CURRENT + 115, "reading"),
    "comingSoonFadeOut": TimingCase(42, READING, 30, "wiping", CURRENT + 130, "reading"),
    "comingSoonTotal": TimingCase(150, READING, 30, "held", CURRENT + 115, "reading"),
    "outroFadeIn": TimingCase(54, ONE, 30, "entrance", OUTRO + 8, "outro", "heading"),
    "outroHold": TimingCase(95, ONE, 30, "ending", OUTRO + 119, "outro"),
    "outroFadeOut": TimingCase(31, ONE, 30, "ending", OUTRO + 119, "outro"),
    "outroTotal": TimingCase(120, ONE, 30, "ending", OUTRO + 119, "outro"),
}
for key, case in TIMING.items():
    add(f"timing-{key}", case.recap, case.frame, timing(**{key: case.value}))
    if case.kind != "ending":
        add(f"default-{case.frame}-{'one' if case.recap == ONE else 'reading'}", case.recap, case.frame)

# transitionOverlap: each scene starts 20 frames before the previous one would have ended (one-book: 3 boundaries).
OVERLAP = 20
add("timing-transitionOverlap", ONE, 74 - OVERLAP, timing(transitionOverlap=OVERLAP))
add("default-54-one", ONE, 54)

# With music, a book of 100 frames ends on the 120 BPM bed's beat (every 15 frames): at 105.
BEATS = {"global": {"timing": {"bookHold": 40, "bookTotal": 100}}}

# ---------------------------------------------------------------------------------------------------------------
# intro

add("intro-centered", ONE, 30, {"intro": {"layout": "centered"}})
add("intro-minimal", ONE, 30, {"intro": {"layout": "minimal"}})
add("intro-title-120", ONE, 30, {"intro": {"titleFontSize": 120}})
add("intro-subtitle-60", ONE, 30, {"intro": {"subtitleFontSize": 60}})
add("intro-no-year", ONE, 30, {"intro": {"showYear": False}})

# ---------------------------------------------------------------------------------------------------------------
# bookReveal

add("three-book-1", THREE, BOOK + 80)
add("three-grid", THREE, BOOK + 80, {"bookReveal": {"layout": "grid"}})
add("three-grid-small", THREE, BOOK + 80, {"bookReveal": {"layout": "grid", "coverSize": "small"}})
add("three-book-2", THREE, BOOK + 120 + 80)
add("three-carousel-2", THREE, BOOK + 120 + 80, {"bookReveal": {"layout": "carousel"}})
add("book-no-ratings", ONE, BOOK + 80, {"bookReveal": {"showRatings": False}})
add("book-no-authors", ONE, BOOK + 80, {"bookReveal": {"showAuthors": False}})
add("book-cover-small", ONE, BOOK + 80, {"bookReveal": {"coverSize": "small"}})
add("book-cover-large", ONE, BOOK + 80, {"bookReveal": {"coverSize": "large"}})
ENTERING = BOOK + 4
add("book-entering-slide", ONE, ENTERING)
add("book-entering-fade", ONE, ENTERING, {"bookReveal": {"animationStyle": "fade"}})
add("book-entering-pop", ONE, ENTERING, {"bookReveal": {"animationStyle": "pop"}})

# ---------------------------------------------------------------------------------------------------------------
# statsReveal

add("stats-horizontal", ONE, STATS + 100, {"statsReveal": {"layout": "horizontal"}})
add("stats-minimal", ONE, STATS + 100, {"statsReveal": {"layout": "minimal"}})
add("stats-no-books", ONE, STATS + 100, {"statsReveal": {"showTotalBooks": False}})
add("stats-no-pages", ONE, STATS + 100, {"statsReveal": {"showTotalPages": False}})
add("stats-no-average", ONE, STATS + 100, {"statsReveal": {"showAverageRating": False}})
add("stats-no-top", ONE, STATS + 100, {"statsReveal": {"showTopBook": False}})
COUNTING = STATS + 30
add("stats-counting", ONE, COUNTING)
add("stats-counting-still", ONE, COUNTING, {"statsReveal": {"animateNumbers": False}})

# ---------------------------------------------------------------------------------------------------------------
# comingSoon

add("reading-grid", READING, CURRENT + 80, {"comingSoon": {"layout": "grid"}})
add("reading-single", READING, CURRENT + 80, {"comingSoon": {"layout": "single"}})
add("reading-no-progress", READING, CURRENT + 80, {"comingSoon": {"showProgress": False}})
add("reading-5", READING_5, CURRENT + 80)
add("reading-5-max-6", READING_5, CURRENT + 80, {"comingSoon": {"maxBooks": 6}})
add("reading-max-0", READING, CURRENT + 60, {"comingSoon": {"maxBooks": 0}})

# ---------------------------------------------------------------------------------------------------------------
# outro

add("outro-minimal", ONE, OUTRO + 60, {"outro": {"layout": "minimal"}})
add("outro-branded", ONE, OUTRO + 60, {"outro": {"layout": "branded"}})
add("outro-no-branding", ONE, OUTRO + 60, {"outro": {"showBranding": False}})
CUSTOM_TEXT = "Thank you for reading along with me"
add("outro-custom", ONE, OUTRO + 60, {"outro": {"customText": CUSTOM_TEXT}})

# ---------------------------------------------------------------------------------------------------------------
# The lengths (frame counts) to ask the driver for.

LENGTHS: dict[str, dict[str, Any]] = {
    "one": props_of(ONE),
    "three": props_of(THREE),
    "reading": props_of(READING),
    "one-overlap": props_of(ONE, timing(transitionOverlap=OVERLAP)),
    "one-silent": props_of(ONE, {"audio": None}),
    "one-beats": props_of(ONE, BEATS),
    "one-beats-silent": props_of(ONE, {**BEATS, "audio": None}),
    "reading-silent": props_of(READING, {"audio": None}),
    "three-grid": props_of(THREE, {"bookReveal": {"layout": "grid"}}),
    "reading-max-0": props_of(READING, {"comingSoon": {"maxBooks": 0}}),
    **{f"timing-{key}": props_of(case.recap, timing(**{key: case.value})) for key, case in TIMING.items()},
}


@pytest.fixture(scope="module")
def shots(remotion_bundle: Path) -> dict[str, Image.Image]:
    """Every still of SHOTS, rendered in one driver run (the time it took is printed with -s)."""
    started = time.monotonic()
    images = render_shots(remotion_bundle, SHOTS.shots, artifacts_dir("template-options"))
    print(f"\n{len(images)} stills in {time.monotonic() - started:.1f} s")
    return images


@pytest.fixture(scope="module")
def lengths(remotion_bundle: Path) -> dict[str, int]:
    """The video's frame count for each of LENGTHS, from the driver."""
    started = time.monotonic()
    counts = frame_counts(remotion_bundle, LENGTHS)
    print(f"\n{len(counts)} frame counts in {time.monotonic() - started:.1f} s")
    return counts


# ---------------------------------------------------------------------------------------------------------------
# Where things are, found in the pictures themselves (a layout change moves the regions with it).

MAGENTA = hex_rgb(LOUD)
# Above the footer (the month and "Reading recap" on the bottom margin of every scene).
ABOVE_FOOTER = Box(0, 0, 1080, 1680)
FOOTER = Box(0, 1680, 1080, 1722)


def bg_of(image: Image.Image) -> tuple[int, int, int]:
    """The scene's own background (a book's is a tint of its cover), sampled in the left margin."""
    return pixel(image, 6, 960)


def text_bands(image: Image.Image, region: Box = ABOVE_FOOTER, tolerance: int = 24) -> list[Box]:
    """The horizontal bands of `region` that hold something (lines of text, rows of elements), top to bottom."""
    bg = bg_of(image)
    found = []
    for top, bottom in bands(content_mask(image, bg, tolerance, region), offset=region.top):
        box = content_box(image, bg, Box(region.left, top, region.right, bottom), tolerance)
        assert box is not None
        found.append(box)
    return found


def covers(image: Image.Image, region: Box = ABOVE_FOOTER) -> list[Box]:
    """Cover-like blobs: connected areas off the background at least 150 px high, 1.2 to 1.8 times their width."""
    mask = content_mask(image, bg_of(image), 6, region)
    return [
        box
        for box in blobs(mask, offset=(region.left, region.top), min_size=60)
        if height_of(box) >= 150 and 1.2 <= height_of(box) / width_of(box) <= 1.8
    ]


def cards(image: Image.Image) -> list[Box]:
    """The stats scene's cards and tiles (areas of the default backgroundSecondary), top to bottom, left to right."""
    surface = content_mask(image, hex_rgb(DEFAULTS["backgroundSecondary"]), 2).point(lambda value: 255 - value)
    return sorted(blobs(surface, min_size=100), key=lambda box: (box.top, box.left))


def tiles(image: Image.Image) -> list[Box]:
    """The stats counters' tiles: cards narrower than half the content."""
    return [box for box in cards(image) if width_of(box) < 460]


def wide_cards(image: Image.Image) -> list[tuple[int, int]]:
    """Width and height of the cards as wide as the content (the average rating, the rated books)."""
    return [(width_of(box), height_of(box)) for box in cards(image) if width_of(box) >= 900]


def crop(image: Image.Image, box: Box) -> Image.Image:
    return image.crop(box.as_tuple())


def same_picture(a: Image.Image, box_a: Box, b: Image.Image, box_b: Box) -> bool:
    """Whether two regions (of equal size) show exactly the same pixels."""
    return (width_of(box_a), height_of(box_a)) == (width_of(box_b), height_of(box_b)) and identical(
        crop(a, box_a), crop(b, box_b)
    )


def similar(a: Image.Image, box_a: Box, b: Image.Image, box_b: Box) -> bool:
    """Whether two regions of equal size show the same picture up to anti-aliasing (mean difference below 0.5)."""
    return (width_of(box_a), height_of(box_a)) == (width_of(box_b), height_of(box_b)) and (
        mean_difference(crop(a, box_a), crop(b, box_b)) < 0.5
    )


def same_drawing(a: Image.Image, box_a: Box, b: Image.Image, box_b: Box) -> bool:
    """Whether two cards draw the same thing, wherever they are: what is drawn on each (against its own corner's
    colour) has the same size, within 2 px, and aligned on its top left corner looks the same (a card laid out at
    another height can move its content by a fraction of a pixel)."""
    drawn = []
    for image, box in ((a, box_a), (b, box_b)):
        inner = Box(box.left + 8, box.top + 8, box.right - 8, box.bottom - 8)
        found = content_box(image, pixel(image, inner.left, inner.top), inner, tolerance=40)
        assert found is not None
        drawn.append((image, found))
    (image_a, found_a), (image_b, found_b) = drawn
    if abs(width_of(found_a) - width_of(found_b)) > 2 or abs(height_of(found_a) - height_of(found_b)) > 2:
        return False
    width, height = min(width_of(found_a), width_of(found_b)), min(height_of(found_a), height_of(found_b))
    crop_a = crop(image_a, Box(found_a.left, found_a.top, found_a.left + width, found_a.top + height))
    crop_b = crop(image_b, Box(found_b.left, found_b.top, found_b.left + width, found_b.top + height))
    return mean_difference(crop_a, crop_b) < 6


def cover_of(image: Image.Image) -> Box:
    """The book scene's cover (the biggest cover-like blob)."""
    found = covers(image)
    assert found, "no cover in the book scene"
    return found[0]


def under_cover(image: Image.Image) -> list[Box]:
    """The book scene's bands below its cover: the title, the author line, the CAWPILE bars."""
    return text_bands(image, Box(0, cover_of(image).bottom + 8, 1080, 1680))


def beside_cover(image: Image.Image) -> Box:
    """The column right of the book's cover: the rating, the page count and the finish date."""
    cover = cover_of(image)
    return Box(cover.right + 8, cover.top, 1000, cover.bottom)


def rating_column(image: Image.Image) -> list[Box]:
    """The bands of the column beside the cover: "CAWPILE", the average, the stars, the page count, the date."""
    found = text_bands(image, beside_cover(image))
    assert len(found) == 5, found
    return found


def badge_of(image: Image.Image) -> Box:
    """The COMPLETED / DNF badge at the right end of the book's eyebrow row."""
    return Box(700, 110, 1010, 195)


def intro_bands(image: Image.Image) -> list[Box]:
    """The intro's text block (eyebrow, month, year, rule, count, pages), above the shelf."""
    return text_bands(image, Box(0, 0, 1080, 1370))


SHELF = Box(0, 1370, 1080, 1670)


# ---------------------------------------------------------------------------------------------------------------


class TestColors:
    """Each color set to magenta: the magenta shows where that color is used, and nowhere in the default."""

    @pytest.fixture(autouse=True)
    def _defaults_have_no_magenta(self, shots: dict[str, Image.Image]) -> None:
        for name in ("intro", "book", "stats", "dnf-book", "medium-book", "low-book"):
            assert count_near(shots[name], MAGENTA) == 0, name

    def test_background_paints_the_frame(self, shots: dict[str, Image.Image]) -> None:
        """global.colors.background is the color of the frame's empty parts (sampled in the four corners of the
        intro; a book scene is tinted from it)."""
        corners = [(5, 5), (1074, 5), (5, 1914), (1074, 1914)]
        assert all(close(pixel(shots["intro"], x, y), BG) for x, y in corners)
        assert all(close(pixel(shots["color-background"], x, y), MAGENTA) for x, y in corners)

    def test_background_secondary_fills_the_tiles(self, shots: dict[str, Image.Image]) -> None:
        """backgroundSecondary fills the stats tiles: most of the first tile's pixels take it."""
        tile = tiles(shots["stats"])[0]
        loud = hex_rgb(LOUD_DARK)
        assert count_near(shots["color-backgroundSecondary"], loud, tile) > 0.6 * width_of(tile) * height_of(tile)

    def test_background_tertiary_draws_the_shelf_board(self, shots: dict[str, Image.Image]) -> None:
        """backgroundTertiary is the intro's shelf board: a 12 px line across the content under the spines."""
        board = text_bands(shots["intro"], SHELF)[-1]
        board = Box(board.left, board.bottom - 12, board.right, board.bottom)
        assert count_near(shots["color-backgroundTertiary"], MAGENTA, board) > 0.9 * 920 * 12

    def test_text_primary_is_the_month(self, shots: dict[str, Image.Image]) -> None:
        """textPrimary is the color of titles: the intro's month name is drawn in it."""
        month = intro_bands(shots["intro"])[1]
        assert count_near(shots["color-textPrimary"], MAGENTA, month) > 20000

    def test_text_secondary_is_the_author_line(self, shots: dict[str, Image.Image]) -> None:
        """textSecondary is the color of the names on the author line under a book's title."""
        authors = under_cover(shots["book"])[1]
        assert count_near(shots["color-textSecondary"], MAGENTA, authors) > 500

    def test_text_muted_is_the_small_print(self, shots: dict[str, Image.Image]) -> None:
        """textMuted draws the small print beside the cover ("CAWPILE", "/10"), the "by" of the author line and the
        footer, not the names."""
        image = shots["color-textMuted"]
        cawpile, average = rating_column(shots["book"])[0:2]
        assert count_near(image, MAGENTA, cawpile) > 300
        assert count_near(image, MAGENTA, average) > 200  # "/10"
        authors = under_cover(shots["book"])[1]
        by = Box(authors.left, authors.top, authors.left + 45, authors.bottom)
        names = Box(authors.left + 60, authors.top, authors.right, authors.bottom)
        assert count_near(image, MAGENTA, by) > 100
        assert count_near(image, MAGENTA, names) == 0
        assert count_near(image, MAGENTA, FOOTER) > 300

    def test_accent_is_the_eyebrow_not_the_year(self, shots: dict[str, Image.Image]) -> None:
        """accent draws the intro's eyebrow; the year (accentSecondary) keeps its default color."""
        eyebrow, _month, year, *_ = intro_bands(shots["intro"])
        image = shots["color-accent"]
        assert count_near(image, MAGENTA, eyebrow) > 500
        assert count_near(image, MAGENTA, year) == 0
        assert count_near(image, hex_rgb(DEFAULTS["accent"]), year) > 5000

    def test_accent_secondary_is_the_year(self, shots: dict[str, Image.Image]) -> None:
        """accentSecondary draws the intro's year, and not the eyebrow."""
        eyebrow, _month, year, *_ = intro_bands(shots["intro"])
        image = shots["color-accentSecondary"]
        assert count_near(image, MAGENTA, year) > 5000
        assert count_near(image, MAGENTA, eyebrow) == 0

    def test_accent_muted_is_the_empty_part_of_the_bars(self, shots: dict[str, Image.Image]) -> None:
        """accentMuted is the track of the bars on the template's background (the progress bars of the books in
        progress; on a book's tint the CAWPILE bars' track is the same shade of the tint)."""
        rows = covers(shots["reading"])
        region = Box(max(box.right for box in rows) + 20, rows[0].top, 1080, max(box.bottom for box in rows))
        assert count_near(shots["color-accentMuted"], hex_rgb(LOUD_DARK), region) > 1000

    def test_completed_fills_the_badge(self, shots: dict[str, Image.Image]) -> None:
        """completed fills the COMPLETED badge at the end of the eyebrow row."""
        assert count_near(shots["color-completed"], MAGENTA, badge_of(shots["book"])) > 5000

    def test_dnf_outlines_the_dnf_badge(self, shots: dict[str, Image.Image]) -> None:
        """dnf outlines the DNF badge of a book set aside."""
        assert count_near(shots["color-dnf"], MAGENTA, badge_of(shots["dnf-book"])) > 800

    @pytest.mark.parametrize(
        ("key", "default"), [("ratingHigh", "book"), ("ratingMedium", "medium-book"), ("ratingLow", "low-book")]
    )
    def test_rating_colors_fill_the_stars(self, key: str, default: str, shots: dict[str, Image.Image]) -> None:
        """ratingHigh, ratingMedium and ratingLow fill the stars of an average of 9, 6 and 3 (of 10)."""
        stars = rating_column(shots[default])[2]
        filled = count_near(shots[default], hex_rgb(DEFAULTS["accent"]), stars, tolerance=4)
        assert filled > 500
        assert count_near(shots[f"color-{key}"], MAGENTA, stars, tolerance=4) >= 0.9 * filled

    def test_overlay_shades_the_spines(self, shots: dict[str, Image.Image]) -> None:
        """overlay draws the bands across the intro's book spines."""
        assert count_near(shots["color-overlay"], MAGENTA, SHELF) > 200

    def test_grain_covers_the_background(self, shots: dict[str, Image.Image]) -> None:
        """grain (transparent by default) lays specks over the empty background."""
        empty = Box(0, 0, 1080, 110)
        assert content_box(shots["intro"], BG, empty, tolerance=0) is None
        specks = 1080 * 110 - count_near(shots["color-grain"], BG, empty, tolerance=2)
        assert specks > 4000


class TestFonts:
    def test_heading_draws_the_month_and_year(self, shots: dict[str, Image.Image]) -> None:
        """global.fonts.heading changes the month and the year (display text); the body lines stay as they were."""
        default, changed = intro_bands(shots["intro"]), intro_bands(shots["font-heading"])
        assert abs(width_of(default[1]) - width_of(changed[1])) > 10  # the month
        assert mean_difference(shots["intro"], shots["font-heading"], default[2]) > 5  # the year
        for index in (0, 4):  # eyebrow, book count
            assert similar(shots["intro"], default[index], shots["font-heading"], changed[index])

    def test_body_draws_the_labels(self, shots: dict[str, Image.Image]) -> None:
        """global.fonts.body changes the eyebrow and the book count; the month (heading) stays as it was."""
        default, changed = intro_bands(shots["intro"]), intro_bands(shots["font-body"])
        for index in (0, 4):
            assert abs(width_of(default[index]) - width_of(changed[index])) > 5
        assert similar(shots["intro"], default[1], shots["font-body"], changed[1])

    def test_mono_draws_the_scores(self, shots: dict[str, Image.Image]) -> None:
        """global.fonts.mono changes the CAWPILE scores at the bars' end, not the bars' labels."""
        bars = under_cover(shots["book"])[2:]
        scores = Box(920, bars[0].top, 1000, bars[-1].bottom)
        labels = Box(80, bars[0].top, 280, bars[-1].bottom)
        assert mean_difference(shots["book"], shots["font-mono"], scores) > 3
        assert mean_difference(shots["book"], shots["font-mono"], labels) == 0


def timing_region(name: str, shots: dict[str, Image.Image]) -> Box:
    """Where an entrance part shows, in its scene's settled picture."""
    if name == "cover":
        return cover_of(shots["book"])
    if name == "title":
        return under_cover(shots["book"])[0]
    if name == "stars":
        return rating_column(shots["book"])[2]
    if name == "pages":
        return tiles(shots["stats"])[1]
    if name == "readingRows":
        found = covers(shots["reading"])
        return Box(80, min(box.top for box in found), 1000, max(box.bottom for box in found))
    if name == "heading":
        return text_bands(shots["outro"])[2]
    return FULL


def wipe_edge(image: Image.Image) -> int | None:
    """The row where a wipe's accent band is (the default accent across the whole frame, margins included), or
    None when no wipe is under way."""
    accent = hex_rgb(DEFAULTS["accent"])
    for y in range(0, 1920, 4):
        if all(close(pixel(image, x, y), accent, tolerance=8) for x in (2, 540, 1077)):
            return y
    return None


class TestTiming:
    @pytest.mark.parametrize("key", list(TIMING))
    def test_the_video_lengthens_by_the_scene(self, key: str, lengths: dict[str, int]) -> None:
        """A longer timing value lengthens its scene, and the composition's frame count with it, as expected."""
        case = TIMING[key]
        base = lengths["one-silent" if case.recap == ONE else "reading-silent"]
        assert lengths[f"timing-{key}"] == base + case.delta

    @pytest.mark.parametrize("key", list(TIMING))
    def test_the_frame_shows_the_change(self, key: str, shots: dict[str, Image.Image]) -> None:
        """At the frame a timing value moves, the picture shows it: an entrance still under way, a scene still whole
        where the default has moved on, a wipe still rising where the default is in the next scene, or the end
        card still there past the default's end."""
        case = TIMING[key]
        changed = shots[f"timing-{key}"]
        settled = shots[case.settled]
        if case.kind == "ending":
            assert identical(changed, settled)
            return
        default = shots[f"default-{case.frame}-{'one' if case.recap == ONE else 'reading'}"]
        if case.kind == "entrance":
            where = timing_region(case.region, shots)
            bg = bg_of(settled)
            # The default has (nearly) arrived; the stretched entrance shows clearly less there.
            assert ink(changed, bg, where) < 0.7 * ink(default, bg, where)
            assert ink(changed, bg, where) < 0.7 * ink(settled, bg, where)
        elif case.kind == "counting":
            where = timing_region(case.region, shots)
            assert same_picture(default, where, settled, where)
            assert mean_difference(changed, settled, where) > 1
        elif case.kind == "held":
            assert identical(changed, settled)
            assert not identical(default, settled)
        else:
            # The wipe: the accent band rides on the rising edge of the next scene's background, across the frame.
            assert wipe_edge(changed) is not None
            assert wipe_edge(default) is None
            assert not identical(changed, settled)

    def test_transition_overlap_starts_the_next_scene_early(
        self, shots: dict[str, Image.Image], lengths: dict[str, int]
    ) -> None:
        """transitionOverlap starts each scene that many frames before the previous one ends: the video is shorter by
        it at each of one-book's three boundaries, and where the default is still wiping out of the intro, the
        book's cover is already in."""
        assert lengths["one-overlap"] == lengths["one-silent"] - 3 * OVERLAP
        cover = cover_of(shots["book"])
        early = mean_difference(shots["timing-transitionOverlap"], shots["book"], cover)
        assert early < 0.5 * mean_difference(shots["default-54-one"], shots["book"], cover)
        assert wipe_edge(shots["default-54-one"]) is not None

    def test_parts_stretch_only_their_own_entrances(self, shots: dict[str, Image.Image]) -> None:
        """bookTitleType and bookRatingCount leave the cover's entrance as it was (only their parts move)."""
        cover = cover_of(shots["book"])
        for key in ("bookTitleType", "bookRatingCount"):
            frame = TIMING[key].frame
            assert mean_difference(shots[f"timing-{key}"], shots[f"default-{frame}-one"], cover) == 0, key

    def test_music_moves_scene_starts_to_the_beat(self, lengths: dict[str, int]) -> None:
        """With the default bed (120 BPM: a beat every 15 frames), a 100-frame book ends on the next beat, at 105;
        without music it is exactly the template's 100 frames."""
        assert lengths["one-beats-silent"] == lengths["one-silent"] - 20
        assert lengths["one-beats"] == lengths["one"] - 15


class TestLengthRule:
    def test_the_server_rule_gives_the_rendered_lengths(self, lengths: dict[str, int]) -> None:
        """For every template whose length this module measures, the server's duration rule
        (tornado_render.templates) gives the frame count of the rendered composition."""
        catalog = TemplateCatalog.for_remotion_dir(REMOTION)
        rule = {
            name: duration_frames(props, catalog.resolve(props.get("template") or {}))
            for name, props in LENGTHS.items()
        }
        assert rule == lengths
        assert len(set(lengths.values())) >= 8


class TestIntro:
    def test_split_layout_has_the_shelf(self, shots: dict[str, Image.Image]) -> None:
        """intro.layout `split` (default) sets the text on the left with a shelf below; `centered` and `minimal`
        have no shelf."""
        assert content_box(shots["intro"], BG, SHELF) is not None
        assert intro_bands(shots["intro"])[1].left < 100
        for name in ("intro-centered", "intro-minimal"):
            assert content_box(shots[name], BG, SHELF) is None, name

    def test_centered_layout_centres_every_line(self, shots: dict[str, Image.Image]) -> None:
        """intro.layout `centered` centres each line of the text block on the frame's middle."""
        found = intro_bands(shots["intro-centered"])
        assert len(found) == 6
        for box in found:
            assert abs((box.left + box.right) / 2 - 540) < 8, box

    def test_minimal_layout_is_month_and_year(self, shots: dict[str, Image.Image]) -> None:
        """intro.layout `minimal` is only two elements, the month and the year (no eyebrow, rule or count), on the
        top line."""
        assert len(intro_bands(shots["intro"])) == 6
        found = intro_bands(shots["intro-minimal"])
        assert len(found) == 2
        assert found[0].top < 200
        assert count_near(shots["intro-minimal"], hex_rgb(DEFAULTS["accent"]), found[1]) > 5000

    def test_title_font_size_sizes_the_month(self, shots: dict[str, Image.Image]) -> None:
        """intro.titleFontSize 120 (default 220) draws the month about 120/220 as high."""
        default, smaller = intro_bands(shots["intro"])[1], intro_bands(shots["intro-title-120"])[1]
        assert height_of(smaller) / height_of(default) == pytest.approx(120 / 220, abs=0.05)

    def test_subtitle_font_size_sizes_the_year(self, shots: dict[str, Image.Image]) -> None:
        """intro.subtitleFontSize 60 (default 140) draws the year about 60/140 as high."""
        default, smaller = intro_bands(shots["intro"])[2], intro_bands(shots["intro-subtitle-60"])[2]
        assert height_of(smaller) / height_of(default) == pytest.approx(60 / 140, abs=0.05)

    def test_show_year_false_leaves_the_year_out(self, shots: dict[str, Image.Image]) -> None:
        """intro.showYear false: the year's band (the only accentSecondary text) is gone, the other five remain."""
        default, changed = intro_bands(shots["intro"]), intro_bands(shots["intro-no-year"])
        assert height_of(default[2]) > 80  # the year, under the month
        assert len(changed) == 5
        assert height_of(changed[2]) < 10  # the rule, right under the month


class TestBookReveal:
    def test_grid_is_one_scene_of_every_book(self, shots: dict[str, Image.Image], lengths: dict[str, int]) -> None:
        """bookReveal.layout `grid` shows the three books' covers in one scene, and the video is two book scenes
        shorter than `sequential`, which shows one cover."""
        assert len(covers(shots["three-book-1"])) == 1
        assert len(covers(shots["three-grid"])) == 3
        assert lengths["three-grid"] == lengths["three"] - 2 * 120

    def test_carousel_shows_the_neighbours(self, shots: dict[str, Image.Image]) -> None:
        """bookReveal.layout `carousel`: the second book's cover is centred between the first's and the third's,
        which show at the frame's left and right edges."""
        assert len(covers(shots["three-book-2"])) == 1
        (main,) = covers(shots["three-carousel-2"])
        assert abs((main.left + main.right) / 2 - 540) < 6
        bg = bg_of(shots["three-carousel-2"])
        edges = [box for box in blobs(content_mask(shots["three-carousel-2"], bg, 3)) if height_of(box) > 300]
        assert any(box.left == 0 for box in edges)
        assert any(box.right == 1080 for box in edges)
        bg = bg_of(shots["three-book-2"])
        sequential = [box for box in blobs(content_mask(shots["three-book-2"], bg, 3)) if height_of(box) > 300]
        assert not any(box.left == 0 or box.right == 1080 for box in sequential)

    def test_show_ratings_false_leaves_the_rating_out(self, shots: dict[str, Image.Image]) -> None:
        """bookReveal.showRatings false: no stars and no CAWPILE bars; under the cover the title, the authors and
        the book's facts (pages, finish date) on a card."""
        accent = hex_rgb(DEFAULTS["accent"])
        assert count_near(shots["book"], accent, beside_cover(shots["book"]), tolerance=4) > 2000
        assert len(under_cover(shots["book"])) == 2 + 7
        image = shots["book-no-ratings"]
        beside = beside_cover(image)
        assert count_near(image, accent, beside, tolerance=40) == 0
        assert len(under_cover(image)) == 2 + 2

    def test_show_authors_false_leaves_the_author_line_out(self, shots: dict[str, Image.Image]) -> None:
        """bookReveal.showAuthors false: the band under the title is the first bar, not the author line."""
        default = under_cover(shots["book"])
        changed = under_cover(shots["book-no-authors"])
        assert len(changed) == len(default) - 1
        author_color = hex_rgb(DEFAULTS["textSecondary"])
        assert width_of(default[1]) < 500
        assert count_near(shots["book"], author_color, default[1]) > 500
        assert same_picture(shots["book"], default[2], shots["book-no-authors"], changed[1])

    @pytest.mark.parametrize(("size", "width"), [("small", 360), ("large", 520)])
    def test_cover_size_sizes_the_cover(self, size: str, width: int, shots: dict[str, Image.Image]) -> None:
        """bookReveal.coverSize small / large draws the cover 360 / 520 px wide (medium, the default: 440)."""
        assert width_of(cover_of(shots["book"])) == pytest.approx(440, abs=8)
        cover = cover_of(shots[f"book-cover-{size}"])
        assert width_of(cover) == pytest.approx(width, abs=8)
        assert height_of(cover) == pytest.approx(1.5 * width, abs=10)

    def test_cover_size_small_shrinks_the_grid_covers(self, shots: dict[str, Image.Image]) -> None:
        """bookReveal.coverSize small in the `grid` layout draws each cover 360/440 the size of the default's (which
        fills its cell)."""
        default = sorted(covers(shots["three-grid"]), key=lambda box: (box.top, box.left))
        small = sorted(covers(shots["three-grid-small"]), key=lambda box: (box.top, box.left))
        assert len(default) == len(small) == 3
        for before, after in zip(default, small, strict=True):
            assert width_of(after) / width_of(before) == pytest.approx(360 / 440, abs=0.03)

    def test_animation_style_is_how_the_cover_enters(self, shots: dict[str, Image.Image]) -> None:
        """bookReveal.animationStyle, four frames into the book: `slide` raises the cover from below (growing),
        `fade` only fades it (full size, in place), `pop` scales it about its centre."""
        settled = cover_of(shots["book"])
        where = Box(0, 200, 540, 1100)

        def box_of(name: str) -> Box:
            found = content_box(shots[name], bg_of(shots[name]), where, tolerance=3)
            assert found is not None, name
            return found

        slide, fade, pop = box_of("book-entering-slide"), box_of("book-entering-fade"), box_of("book-entering-pop")
        assert slide.top - settled.top > 8
        assert abs(fade.left - settled.left) <= 4
        assert abs(fade.right - settled.right) <= 4
        bg = bg_of(shots["book"])
        assert ink(shots["book-entering-fade"], bg, settled) < 0.8 * ink(shots["book"], bg, settled)
        assert abs((pop.left + pop.right) / 2 - (settled.left + settled.right) / 2) <= 4
        assert abs(pop.left - settled.left) > 4


class TestStatsReveal:
    def test_stacked_layout_is_two_rows_of_tiles(self, shots: dict[str, Image.Image]) -> None:
        """statsReveal.layout `stacked` (default): four counter tiles in two rows of two."""
        found = tiles(shots["stats"])
        assert len(found) == 4
        assert len({box.top for box in found}) == 2

    def test_horizontal_layout_is_one_row_of_tiles(self, shots: dict[str, Image.Image]) -> None:
        """statsReveal.layout `horizontal`: the four counter tiles side by side in one row."""
        found = tiles(shots["stats-horizontal"])
        assert len(found) == 4
        assert len({box.top for box in found}) == 1

    def test_minimal_layout_has_no_cards(self, shots: dict[str, Image.Image]) -> None:
        """statsReveal.layout `minimal`: the numbers as lines of text, no card at all."""
        assert len(cards(shots["stats"])) == 6
        assert cards(shots["stats-minimal"]) == []
        assert len(text_bands(shots["stats-minimal"], Box(0, 300, 1080, 1680))) >= 5

    @pytest.mark.parametrize(("option", "gone"), [("books", 0), ("pages", 1)])
    def test_show_total_leaves_its_counter_out(self, option: str, gone: int, shots: dict[str, Image.Image]) -> None:
        """statsReveal.showTotalBooks / showTotalPages false: three tiles, and it is the books / pages tile that is
        gone (each remaining tile draws what the default's tile of the same counter draws, wherever it now is)."""
        default = tiles(shots["stats"])
        changed = tiles(shots[f"stats-no-{option}"])
        assert len(changed) == 3
        kept = [box for index, box in enumerate(default) if index != gone]
        for before, after in zip(kept, changed, strict=True):
            assert same_drawing(shots["stats"], before, shots[f"stats-no-{option}"], after)
        assert not same_drawing(shots["stats"], default[gone], shots[f"stats-no-{option}"], changed[gone])

    def test_show_average_rating_false_leaves_the_average_out(self, shots: dict[str, Image.Image]) -> None:
        """statsReveal.showAverageRating false: the 200 px high average card is gone, the top-book card remains."""
        heights = sorted(height for _, height in wide_cards(shots["stats"]))
        assert heights[0] == pytest.approx(200, abs=4)
        assert len(heights) == 2
        remaining = wide_cards(shots["stats-no-average"])
        assert len(remaining) == 1
        assert remaining[0][1] == pytest.approx(heights[1], abs=4)

    def test_show_top_book_false_leaves_the_top_book_out(self, shots: dict[str, Image.Image]) -> None:
        """statsReveal.showTopBook false: the top-rated book's card is gone, the average card remains."""
        remaining = wide_cards(shots["stats-no-top"])
        assert len(remaining) == 1
        assert remaining[0][1] <= 204

    def test_animate_numbers_false_shows_final_values_at_once(self, shots: dict[str, Image.Image]) -> None:
        """statsReveal.animateNumbers false: while the default's pages counter is still counting up, it already
        shows its final number (the settled tile, pixel for pixel)."""
        pages = tiles(shots["stats"])[1]
        assert same_picture(shots["stats"], pages, shots["stats-counting-still"], pages)
        assert not same_picture(shots["stats"], pages, shots["stats-counting"], pages)


class TestComingSoon:
    def test_list_layout_is_a_row_per_book(self, shots: dict[str, Image.Image]) -> None:
        """comingSoon.layout `list` (default): three books, three covers one above the other."""
        found = covers(shots["reading"])
        assert len(found) == 3
        assert len({box.left for box in found}) == 1

    def test_grid_layout_is_two_columns(self, shots: dict[str, Image.Image]) -> None:
        """comingSoon.layout `grid`: the three covers in two columns (two, then one)."""
        found = covers(shots["reading-grid"])
        assert len(found) == 3
        assert len({box.left for box in found}) == 2
        assert len({box.top for box in found}) == 2

    def test_single_layout_is_one_big_cover(self, shots: dict[str, Image.Image]) -> None:
        """comingSoon.layout `single`: only the first book, its cover 480 px wide and centred."""
        (cover,) = covers(shots["reading-single"])
        assert width_of(cover) == pytest.approx(480, abs=8)
        assert abs((cover.left + cover.right) / 2 - 540) < 4

    def test_show_progress_false_leaves_the_bars_out(self, shots: dict[str, Image.Image]) -> None:
        """comingSoon.showProgress false: no progress bar (accent) under the heading."""
        rows = covers(shots["reading"])
        body = Box(max(box.right for box in rows) + 20, rows[0].top, 1080, max(box.bottom for box in rows))
        accent = hex_rgb(DEFAULTS["accent"])
        assert count_near(shots["reading"], accent, body) > 3000
        assert count_near(shots["reading-no-progress"], accent, body) == 0
        assert len(covers(shots["reading-no-progress"])) == 3

    def test_max_books_is_how_many_rows(self, shots: dict[str, Image.Image]) -> None:
        """comingSoon.maxBooks: five books in progress show three rows and "and 2 more" at the default 4, all five
        rows at 6."""
        assert len(covers(shots["reading-5"])) == 3
        assert len(covers(shots["reading-5-max-6"])) == 5

    def test_max_books_zero_drops_the_scene(self, shots: dict[str, Image.Image], lengths: dict[str, int]) -> None:
        """comingSoon.maxBooks 0: no "currently reading" scene; the video is 120 frames shorter and the outro comes
        where the scene was."""
        assert lengths["reading-max-0"] == lengths["reading"] - 120
        assert covers(shots["reading-max-0"]) == []
        assert count_near(shots["reading-max-0"], hex_rgb(DEFAULTS["textPrimary"])) > 10000


class TestOutro:
    def test_centered_layout(self, shots: dict[str, Image.Image]) -> None:
        """outro.layout `centered` (default): eyebrow, badge, sign-off, next month and summary, centred, and the
        month's shelf at the foot."""
        found = text_bands(shots["outro"])
        assert len(found) == 6
        for box in found[:5]:
            assert abs((box.left + box.right) / 2 - 540) < 8, box
        assert content_box(shots["outro"], BG, SHELF) is not None

    def test_minimal_layout_is_two_lines(self, shots: dict[str, Image.Image]) -> None:
        """outro.layout `minimal`: only the sign-off and the next month (no badge, no summary, no shelf), on the
        top line, aligned left."""
        found = text_bands(shots["outro-minimal"])
        assert len(found) == 2
        assert found[0].top < 200
        assert all(box.left < 100 for box in found)

    def test_branded_layout_adds_the_mark(self, shots: dict[str, Image.Image]) -> None:
        """outro.layout `branded`: the centred layout with a "READING RECAP" mark in accent at the foot instead of
        the shelf."""
        foot = Box(0, 1500, 1080, 1680)
        accent = hex_rgb(DEFAULTS["accent"])
        assert count_near(shots["outro"], accent, foot, tolerance=4) < 100
        assert count_near(shots["outro-branded"], accent, foot, tolerance=4) > 300
        assert content_box(shots["outro-branded"], BG, SHELF) is not None

    def test_show_branding_false_leaves_the_badge_out(self, shots: dict[str, Image.Image]) -> None:
        """outro.showBranding false: the accent badge above the sign-off is gone, and "Reading recap" leaves the
        footer."""
        badge = text_bands(shots["outro"])[1]
        assert count_near(shots["outro"], hex_rgb(DEFAULTS["accent"]), badge, tolerance=4) > 1000
        found = text_bands(shots["outro-no-branding"])
        assert len(found) == 5
        assert count_near(shots["outro-no-branding"], hex_rgb(DEFAULTS["accent"]), badge, tolerance=4) == 0
        right_of_footer = Box(700, 1680, 1000, 1722)
        assert content_box(shots["outro"], BG, right_of_footer) is not None
        assert content_box(shots["outro-no-branding"], BG, right_of_footer) is None

    def test_custom_text_adds_its_line(self, shots: dict[str, Image.Image]) -> None:
        """outro.customText adds a line of text under the next month, in textPrimary."""
        found = text_bands(shots["outro-custom"])
        assert len(found) == 7
        line = found[4]
        assert width_of(line) > 500
        assert count_near(shots["outro-custom"], hex_rgb(DEFAULTS["textPrimary"]), line) > 1000
