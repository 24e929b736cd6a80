"""The second edition of the MonthlyRecap video (issue 19), checked in the pictures: the poster at frame 0, scenes
that use the frame from top to bottom, a cover that stays on one line from book to book, empty stars that can be
seen, cover initials that never join into a word or read as a stroke, and right-to-left text in its order.

Every still of this module is declared up front (`SHOTS`) and rendered in one driver run; the frames come from the
timeline itself (remotion/scripts/calculate-duration.mjs: each scene's start, settle frame and exit), so a timing
change moves the shots with it. The stills are kept in the test artifacts (design/).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.support.artifacts import artifacts_dir
from tests.support.audio import mono_samples, onsets
from tests.support.cli import run_cli
from tests.support.cover_server import inline_covers, start_cover_server
from tests.support.media import frame_changes, longest_still_run, probe
from tests.support.preview import psnr, video_frame
from tests.support.recaps import BOOK_COVERS, COVERS, RECAP_NAMES, load_recap, with_covers
from tests.support.remotion import timeline
from tests.support.stills import REMOTION, Box, identical, render_stills, seed_bundle_cache
from tests.support.template_stills import (
    RGB,
    ShotList,
    blobs,
    content_mask,
    hex_rgb,
    pixel,
    props_of,
    render_shots,
)

pytestmark = pytest.mark.render

WIDTH, HEIGHT = 1080, 1920
# The drawn content of every settled scene spans at least this share of the frame's height.
MIN_SPAN = 0.8
# Where the background shows in every scene (the left margin, half way down).
BACKGROUND_AT = (6, HEIGHT // 2)


def settled_frames(props: dict[str, Any]) -> list[tuple[str, int]]:
    """(scene name, a frame where it is settled) for every scene of the video of `props`."""
    found = []
    for index, scene in enumerate(timeline(props)["scenes"]):
        settled = scene["from"] + min(scene["settledAt"], scene["exitAt"] - 1)
        found.append((f"{index:02d}-{scene['kind']}", settled))
    return found


SHOTS = ShotList()
add = SHOTS.add
SETTLED: dict[str, list[str]] = {}
for recap_name in RECAP_NAMES:
    SETTLED[recap_name] = [
        add(f"{recap_name}-{scene}", recap_name, frame) for scene, frame in settled_frames(props_of(recap_name))
    ]

# The poster: frame 0, and the last frame of the intro's hold.
THREE = props_of("three-books")
INTRO_HOLD_END = timeline(THREE)["staticSpans"][0]["last"]
add("poster-0", "three-books", 0)
add("poster-hold-end", "three-books", INTRO_HOLD_END)


def book_scene(book: dict[str, Any], template: dict[str, Any] | None = None, **data: Any) -> dict[str, Any]:
    """one-book with its book replaced by `book` (and other recap fields by `data`), as MonthlyRecap props."""
    props = props_of("one-book", template)
    props["books"] = [{**props["books"][0], **book}]
    props.update(data)
    return props


def first_book_settled(props: dict[str, Any]) -> int:
    scene = next(scene for scene in timeline(props)["scenes"] if scene["kind"] == "book")
    return int(scene["from"] + scene["settledAt"])


def stats_settled(props: dict[str, Any]) -> int:
    scene = next(scene for scene in timeline(props)["scenes"] if scene["kind"] == "stats")
    return int(scene["from"] + scene["settledAt"])


# Empty and half stars in every preset (an unrated book, and 7/10: three and a half stars).
PRESETS = {
    path.stem: json.loads(path.read_text())["template"]
    for path in (REMOTION / "src" / "template" / "presets").glob("*.json")
}
SEVEN = {key: 7 for key in ("characters", "atmosphere", "writing", "plot", "intrigue", "logic", "enjoyment")}
RATINGS: dict[str, Any] = {"unrated": None, "half": {"average": 7.0, **SEVEN}}
# The presets whose book scenes draw stars for this kind of book (a carousel shows an unrated book's facts instead,
# and a template without ratings no stars at all).
STARRED = [
    (kind, preset)
    for preset, template in sorted(PRESETS.items())
    for kind in RATINGS
    if template.get("bookReveal", {}).get("showRatings", True)
    and (kind == "half" or template.get("bookReveal", {}).get("layout") != "carousel")
]
for kind, preset in STARRED:
    props = book_scene({"rating": RATINGS[kind]}, PRESETS[preset])
    add(f"stars-{kind}-{preset}", props, first_book_settled(props))

# Cover initials, per script: titles that share what the initials should be (the same pictures), and titles that
# differ only where the old rule looked (a different picture would mean the initials took more than they should).
INITIALS: dict[str, tuple[str, str, str]] = {
    # script: (title, a title with the same initials, a title with other initials). A joining script's second word
    # must not show (the old rule drew the first letters of two words, joined: م + ع as «مع»).
    "arabic": ("مئة عام من العزلة", "مئة كتاب", "عام مئة"),
    "persian": ("ملت عشق", "ملت کتاب", "عشق ملت"),
    "urdu": ("میرا داغستان", "میرا شہر", "داغستان میرا"),
    "japanese": ("ノルウェイの森", "ノルマンディー", "ノート"),
    "chinese": ("三体", "三体问题", "三国演义"),
    "korean": ("채식주의자", "채식의 날", "채소"),
}
for script, titles in INITIALS.items():
    for which, title in zip(("title", "same", "other"), titles, strict=True):
        props = book_scene({"title": title, "coverUrl": None})
        add(f"initials-{script}-{which}", props, first_book_settled(props))

# Direction: an Arabic book with an Arabic author; "by" drawn in a loud textMuted, to find it.
LOUD = "#FF00FF"
RTL_BOOK = book_scene(
    {"title": "مئة عام من العزلة", "authors": ["غابرييل غارسيا ماركيز"]}, {"global": {"colors": {"textMuted": LOUD}}}
)
add("rtl-book", RTL_BOOK, first_book_settled(RTL_BOOK))
RTL_STATS = props_of("one-book")
RTL_STATS["stats"]["topRatedBook"] = {"title": "مئة عام من العزلة", "coverUrl": None, "rating": 9.5}
add("rtl-stats", RTL_STATS, stats_settled(RTL_STATS))
LTR_STATS = props_of("one-book")
add("ltr-stats", LTR_STATS, stats_settled(LTR_STATS))


# Every preset, with real covers: five-books (long titles, an unrated book, a DNF, two authors) scene by scene.
PRESET_SCENES = {preset: settled_frames(props_of("five-books", template)) for preset, template in PRESETS.items()}


@pytest.fixture(scope="module")
def preset_shots(remotion_bundle: Path) -> dict[str, dict[str, Image.Image]]:
    """five-books in every preset with its designed covers, each scene settled, in one driver run; kept in the test
    artifacts (design/presets/) as the pictures of docs/DESIGN.md."""
    cover_server = start_cover_server()
    try:
        data = inline_covers(with_covers(load_recap("five-books"), cover_server.url)["data"])
    finally:
        cover_server.close()
    shot_list = ShotList()
    for preset, scenes in PRESET_SCENES.items():
        for scene, frame in scenes:
            shot_list.add(f"{preset}-{scene}", props_of(data, PRESETS[preset]), frame)
    images = render_shots(remotion_bundle, shot_list.shots, artifacts_dir("design") / "presets")
    return {
        preset: {scene: images[f"{preset}-{scene}"] for scene, _ in scenes} for preset, scenes in PRESET_SCENES.items()
    }


@pytest.fixture(scope="module")
def shots(remotion_bundle: Path) -> dict[str, Image.Image]:
    """Every still of SHOTS, rendered in one driver run (the time it took is printed with -s)."""
    started = time.monotonic()
    images = render_shots(remotion_bundle, SHOTS.shots, artifacts_dir("design"))
    print(f"\n{len(images)} stills in {time.monotonic() - started:.1f} s")
    return images


def background(image: Image.Image) -> RGB:
    return pixel(image, *BACKGROUND_AT)


def content_rows(image: Image.Image, tolerance: int = 16) -> tuple[int, int] | None:
    """The first and last row holding something that is not the background."""
    box = content_mask(image, background(image), tolerance).getbbox()
    return None if box is None else (box[1], box[3])


class TestLayout:
    @pytest.mark.parametrize("preset", sorted(PRESETS))
    def test_every_settled_scene_of_every_preset_spans_the_frame(
        self, preset: str, preset_shots: dict[str, dict[str, Image.Image]]
    ) -> None:
        """With real covers, in every preset, every settled scene's content spans at least 80 % of the height."""
        spans = {}
        for scene, image in preset_shots[preset].items():
            rows = content_rows(image)
            spans[scene] = 0 if rows is None else round((rows[1] - rows[0]) / HEIGHT, 3)
        assert {scene: span for scene, span in spans.items() if span < MIN_SPAN} == {}, spans

    @pytest.mark.parametrize("preset", sorted(PRESETS))
    def test_the_cover_sits_on_one_line_in_every_preset(
        self, preset: str, preset_shots: dict[str, dict[str, Image.Image]]
    ) -> None:
        """With real covers of several shapes, the cover's top edge is the same in every book scene of a preset."""
        tops = {scene: cover_top(image) for scene, image in preset_shots[preset].items() if scene.endswith("-book")}
        assert len(tops) == 5
        assert max(tops.values()) - min(tops.values()) <= 4, tops

    @pytest.mark.parametrize("recap_name", RECAP_NAMES)
    def test_every_settled_scene_spans_the_frame(self, recap_name: str, shots: dict[str, Image.Image]) -> None:
        """The drawn content of every settled scene (background aside) spans at least 80 % of the frame height."""
        spans = {}
        for shot_name in SETTLED[recap_name]:
            rows = content_rows(shots[shot_name])
            spans[shot_name] = 0 if rows is None else (rows[1] - rows[0]) / HEIGHT
        short = {shot_name: round(span, 3) for shot_name, span in spans.items() if span < MIN_SPAN}
        assert short == {}, f"scenes of {recap_name} that leave the frame empty: {short} (all: {spans})"

    @pytest.mark.parametrize("recap_name", ["three-books", "five-books"])
    def test_the_cover_sits_on_one_line_in_every_book(self, recap_name: str, shots: dict[str, Image.Image]) -> None:
        """Within one recap the cover's top edge is the same in every book scene (within 4 px), whatever the
        title's length or the rating (five-books: a long title, an unrated book, a DNF)."""
        tops = {name: cover_top(shots[name]) for name in SETTLED[recap_name] if name.endswith("-book")}
        assert max(tops.values()) - min(tops.values()) <= 4, tops


def cover_top(image: Image.Image) -> int:
    """The top edge of a book scene's cover (its ring): the first row under the eyebrow's row that is off the
    background at x = 100 (a sequential cover's left part) or x = 540 (a carousel's middle); the right column's first
    label starts lower than the cover."""
    bg = background(image)

    def first_row(x: int) -> int:
        for y in range(190, 1300):
            if max(abs(a - b) for a, b in zip(pixel(image, x, y), bg, strict=True)) > 24:
                return y
        return 1300

    return min(first_row(100), first_row(540))


class TestPoster:
    def test_frame_zero_is_the_settled_title_card(self, shots: dict[str, Image.Image]) -> None:
        """Frame 0 is the finished intro (the same picture as the last frame of its hold), not black."""
        first = shots["poster-0"]
        assert identical(first, shots["poster-hold-end"])
        rows = content_rows(first)
        assert rows is not None
        assert (rows[1] - rows[0]) / HEIGHT >= MIN_SPAN


def luminance(color: RGB) -> float:
    """WCAG 2.x relative luminance (written here, independently of the composition's own)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class TestStars:
    @pytest.mark.parametrize(("kind", "preset"), STARRED)
    def test_empty_stars_stand_out_from_the_background(
        self, kind: str, preset: str, shots: dict[str, Image.Image]
    ) -> None:
        """The outline of an empty star (the fifth star of an unrated book and of a 7/10 one) reaches at least 3:1
        against the background it is drawn on, sampled in the rendered frame."""
        image = shots[f"stars-{kind}-{preset}"]
        bg = background(image)
        # Star-sized blobs (44 to 62 px stars) between the eyebrow and the bars; the film grain of a template is
        # well under the tolerance.
        region = Box(80, 200, 1000, 1100)
        mask = content_mask(image, bg, 30, region)
        stars = sorted(
            (
                box
                for box in blobs(mask, offset=(region.left, region.top), step=2, min_size=36)
                if 40 <= box.bottom - box.top <= 70 and 40 <= box.right - box.left <= 70
            ),
            key=lambda box: (box.top // 20, box.left),
        )
        assert len(stars) >= 5, f"{kind}/{preset}: found {stars}"
        empty = stars[4]
        best = max(
            contrast(pixel(image, x, y), bg)
            for x in range(empty.left, empty.right)
            for y in range(empty.top, empty.bottom)
        )
        assert best >= 3.0, f"{kind}/{preset}: the empty star reaches only {best:.2f}:1 on {bg}"


def initials_mask(image: Image.Image) -> Image.Image:
    """The initials of the book's cover placeholder as a mask: what differs strongly from the placeholder's own
    colour (each book has its own colour, so the pictures themselves differ; their shapes must not)."""
    region = Box(130, 260, 520, 560)
    return content_mask(image, pixel(image, region.left + 4, region.top + 4), 80, region)


def overlap(a: Image.Image, b: Image.Image) -> float:
    """Intersection over union of two masks' white pixels."""
    both = ImageChops.multiply(a, b).histogram()[255]
    either = ImageChops.lighter(a, b).histogram()[255]
    return both / max(1, either)


class TestInitials:
    @pytest.mark.parametrize("script", sorted(INITIALS))
    def test_initials_take_what_their_script_needs(self, script: str, shots: dict[str, Image.Image]) -> None:
        """Arabic, Persian and Urdu titles give one letter (alone, so drawn in its isolated form, never joined to a
        second initial); Chinese, Japanese and Korean titles their first two characters: a title with the same
        initials draws the same shape, one that differs where the old rule looked (a second word, a second
        character) another."""
        title, same, other = (
            initials_mask(shots[f"initials-{script}-{which}"]) for which in ("title", "same", "other")
        )
        assert title.getbbox() is not None
        assert overlap(title, same) >= 0.95, overlap(title, same)
        assert overlap(title, other) < 0.8, overlap(title, other)


class TestDirection:
    def test_by_comes_before_the_names_of_a_right_to_left_author(self, shots: dict[str, Image.Image]) -> None:
        """An Arabic author line reads "by" + the names: every pixel of "by" (drawn in textMuted, here magenta) is
        left of every pixel of the names, and the line is aligned right with its Arabic title."""
        image = shots["rtl-book"]
        magenta = hex_rgb(LOUD)
        names = hex_rgb("#A6A6B0")
        region = Box(0, 900, WIDTH, 1300)
        by = [
            (x, y)
            for y in range(region.top, region.bottom, 2)
            for x in range(0, WIDTH, 2)
            if _near(pixel(image, x, y), magenta, 40)
        ]
        assert by, "no 'by' under the title"
        # The names: on the author line (the rows of "by"), in textSecondary.
        line = range(min(y for _, y in by) - 8, max(y for _, y in by) + 8, 2)
        name_pixels = [(x, y) for y in line for x in range(0, WIDTH, 2) if _near(pixel(image, x, y), names, 30)]
        assert name_pixels, "no names on the author line"
        assert max(x for x, _ in by) < min(x for x, _ in name_pixels)
        assert max(x for x, _ in name_pixels) > WIDTH - 200, "the author line is aligned right, with its title"

    def test_a_right_to_left_top_book_aligns_its_label_and_score_with_it(self, shots: dict[str, Image.Image]) -> None:
        """In the stats' top-rated card, an Arabic title, its label and its score end on the same right edge; a
        Latin one starts them on the same left edge."""
        for shot_name, side in (("rtl-stats", "right"), ("ltr-stats", "left")):
            image = shots[shot_name]
            edges = _card_line_edges(image)
            assert len(edges) >= 3, (shot_name, edges)
            values = [edge[1] if side == "right" else edge[0] for edge in edges[:3]]
            assert max(values) - min(values) <= 24, (shot_name, side, edges)


def _near(a: RGB, b: RGB, tolerance: int) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _card_line_edges(image: Image.Image) -> list[tuple[int, int]]:
    """The text column of the stats' top-rated card: (left, right) of each of its lines (label, title, score)."""
    from tests.support.template_stills import bands

    card = _top_rated_card(image)
    surface = pixel(image, card.left + 8, card.top + 8)
    # The text column: right of the card's cover.
    column = Box(card.left + 24 + 116 + 16, card.top + 8, card.right - 8, card.bottom - 8)
    mask = content_mask(image, surface, 40, column)
    edges = []
    for top, bottom in bands(mask, offset=column.top, min_gap=6):
        box = content_mask(image, surface, 40, Box(column.left, top, column.right, bottom)).getbbox()
        if box is not None:
            edges.append((column.left + box[0], column.left + box[2]))
    return edges


def _top_rated_card(image: Image.Image) -> Box:
    """The stats' top-rated card: the second card as wide as the content (after the average rating's)."""
    bg = background(image)
    region = Box(40, 900, WIDTH - 40, 1720)
    found = [
        box
        for box in blobs(content_mask(image, bg, 6, region), offset=(region.left, region.top), min_size=100)
        if box.right - box.left > 800
    ]
    assert len(found) >= 2, f"no rated-book card: {found}"
    return sorted(found, key=lambda box: box.top)[1]


# ---------------------------------------------------------------------------------------------------------------
# The video itself: each fixture rendered once through the server's pipeline (the command line), with its designed
# covers and the default soundtrack, decoded frame by frame.

# The shortest hold (every pixel still) each kind of scene must have, in seconds.
MIN_HOLD = {"intro": 1.2, "book": 1.5, "stats": 2.5, "comingSoon": 1.5, "outro": 1.5}
MIN_PSNR = 35.0


# The fixture also rendered in the other shapes (square and landscape), beside its story video.
SHAPED_RECAP = "one-book"


@dataclass(frozen=True)
class Rendered:
    """A rendered fixture: its video, its props as the server hands them to the composition (covers inlined, with
    their palettes), its timeline and how much each frame changes from the one before."""

    path: Path
    served_props: dict[str, Any]
    timeline: dict[str, Any]
    changes: list[int]

    def asset(self, suffix: str) -> Path:
        """An asset the command wrote beside the video: OUT-poster.jpg, OUT-card.jpg, OUT-square.mp4, ..."""
        return self.path.with_name(f"{self.path.stem}-{suffix}")


@pytest.fixture(scope="module")
def videos(remotion_bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    """Every fixture rendered by `tornado-render render` with its designed covers (the time it took is printed)."""
    root = tmp_path_factory.mktemp("design-videos")
    cover_server = start_cover_server()
    started = time.monotonic()
    rendered = {}
    try:
        for recap_name in RECAP_NAMES:
            request = with_covers(load_recap(recap_name), cover_server.url)
            (root / f"{recap_name}.json").write_text(json.dumps(request))
            out = artifacts_dir("design") / f"{recap_name}.mp4"
            shapes = ("--format", "square", "--format", "landscape") if recap_name == SHAPED_RECAP else ()
            result = run_cli(
                str(root / f"{recap_name}.json"),
                "-o",
                str(out),
                *shapes,
                OUTPUT_DIR=str(root / "output"),
                BUNDLE_DIR=str(seed_bundle_cache(root / "bundles", remotion_bundle)),
                COVER_ALLOWED_NETWORKS="127.0.0.1/32",
            )
            assert result.returncode == 0, result.stderr.decode()[-3000:]
            props = inline_covers(request["data"])
            rendered[recap_name] = Rendered(out, props, timeline(props), frame_changes(out))
    finally:
        cover_server.close()
    print(f"\n{len(rendered)} videos rendered and decoded in {time.monotonic() - started:.1f} s")
    return rendered


def scene_frames(scene: dict[str, Any]) -> range:
    """The frames a scene is on screen alone (its wipe in over the previous scene excluded)."""
    return range(scene["from"], scene["from"] + scene["durationInFrames"])


class TestPacing:
    @pytest.mark.parametrize("recap_name", RECAP_NAMES)
    def test_every_scene_holds_still_long_enough_to_read(self, recap_name: str, videos: dict[str, Rendered]) -> None:
        """In the decoded video, each scene's longest run of unchanged frames lasts at least its minimum: a book
        1.5 s, the stats 2.5 s, the intro's title 1.2 s, the end card 1.5 s."""
        video = videos[recap_name]
        assert len(video.changes) == video.timeline["frames"]
        holds = {}
        for index, scene in enumerate(video.timeline["scenes"]):
            frames = scene_frames(scene)
            holds[f"{index:02d}-{scene['kind']}"] = longest_still_run(video.changes, frames.start, frames.stop) / 30
        short = {name: hold for name, hold in holds.items() if hold < MIN_HOLD[name[3:]]}
        assert short == {}, f"{recap_name}: holds (s) {holds}"

    @pytest.mark.parametrize("recap_name", RECAP_NAMES)
    def test_the_video_starts_on_its_poster_and_ends_on_its_end_card(
        self, recap_name: str, videos: dict[str, Rendered], remotion_bundle: Path, tmp_path: Path
    ) -> None:
        """Frame 0 is the settled title card (within 35 dB PSNR of a still of the intro at the end of its hold); the
        last frame is the settled end card at full strength (the same as a still of the outro's hold, and as the
        frame 1.5 s before it)."""
        video = videos[recap_name]
        spans = video.timeline["staticSpans"]
        intro_end, outro_start = spans[0]["last"], spans[-1]["first"]
        stills = render_stills(remotion_bundle, video.served_props, [intro_end, outro_start], tmp_path)
        last = video.timeline["frames"] - 1
        assert spans[0]["first"] == 0
        assert psnr(video_frame(video.path, 0), stills[intro_end]) >= MIN_PSNR
        assert psnr(video_frame(video.path, last), stills[outro_start]) >= MIN_PSNR
        assert longest_still_run(video.changes, last - 45, last + 1) == 46


BEDS: dict[str, float] = {
    bed["id"]: float(bed["bpm"]) for bed in json.loads((REMOTION / "src" / "audio" / "beds.json").read_text())["beds"]
}


class TestBeat:
    @pytest.mark.parametrize("bed", sorted(BEDS))
    @pytest.mark.parametrize("recap_name", RECAP_NAMES)
    def test_scene_starts_fall_on_every_beds_beat(self, recap_name: str, bed: str) -> None:
        """With each bundled bed, every scene's start and the video's end are within one frame of a beat of that bed
        (60/bpm seconds apart from frame 0: 120 BPM every 15 frames, 90 BPM every 20, 128 BPM every 14.0625)."""
        recap = timeline(props_of(recap_name, {"audio": {"track": bed}}))
        beat = 30 * 60 / BEDS[bed]
        cuts = [scene["from"] for scene in recap["scenes"][1:]] + [recap["frames"]]
        off = {cut: round(abs(cut - round(cut / beat) * beat), 3) for cut in cuts}
        assert all(distance <= 1 for distance in off.values()), f"frames off the beat: {off}"

    @pytest.mark.parametrize("recap_name", RECAP_NAMES)
    def test_the_rendered_cuts_fall_on_the_soundtracks_onsets(
        self, recap_name: str, videos: dict[str, Rendered]
    ) -> None:
        """In the rendered video, where each scene starts (the wipe completes), the soundtrack has an onset within
        one frame: the music heard is cut on (found from the sound alone, as an editor's beat detector would)."""
        video = videos[recap_name]
        found = [time for time, _rise in onsets(mono_samples(video.path), 48000, circular=False)]
        assert found, "no onsets: no soundtrack?"
        late = {}
        for scene in video.timeline["scenes"][1:]:
            start = scene["from"] / 30
            nearest = min(found, key=lambda time: abs(time - start))
            if abs(nearest - start) > 1 / 30:
                late[scene["kind"] + f"@{start:.2f}s"] = round(nearest - start, 3)
        assert late == {}, late


# The share kit: every render's poster and link card, and the other shapes of one fixture.


def dominant_color(image: Image.Image) -> RGB:
    """The colour most of a picture is: the largest of its eight quantised colours."""
    quantised = image.convert("RGB").resize((64, 64)).quantize(8)
    palette = quantised.getpalette() or []
    _count, index = max(quantised.getcolors() or [])
    return (palette[3 * index], palette[3 * index + 1], palette[3 * index + 2])


def share_of_pixels_near(image: Image.Image, color: RGB, tolerance: int = 28) -> float:
    pixels = list(image.convert("RGB").resize((600, 315)).getdata())
    return sum(1 for pixel in pixels if _near(pixel, color, tolerance)) / len(pixels)


class TestShareKit:
    @pytest.mark.parametrize("recap_name", RECAP_NAMES)
    def test_the_poster_is_frame_zero(self, recap_name: str, videos: dict[str, Rendered]) -> None:
        """The poster is a 1080x1920 JPEG, not blank (its pixels vary), and the video's frame 0 within 35 dB."""
        video = videos[recap_name]
        with Image.open(video.asset("poster.jpg")) as poster:
            assert (poster.format, poster.size) == ("JPEG", (1080, 1920))
            assert max(ImageStat.Stat(poster.convert("L")).stddev) > 10
            assert psnr(poster.convert("RGB"), video_frame(video.path, 0)) >= MIN_PSNR

    @pytest.mark.parametrize("recap_name", RECAP_NAMES)
    def test_the_card_shows_the_month_in_the_templates_colours(
        self, recap_name: str, videos: dict[str, Rendered]
    ) -> None:
        """The card is a 1200x630 JPEG on the template's background colour (the default preset's)."""
        video = videos[recap_name]
        background = hex_rgb(video.served_props.get("template", {}).get("colors", {}).get("background", "#0E0F13"))
        with Image.open(video.asset("card.jpg")) as card:
            assert (card.format, card.size) == ("JPEG", (1200, 630))
            assert share_of_pixels_near(card, background, 10) > 0.4

    def test_the_card_shows_up_to_five_covers(self, videos: dict[str, Rendered]) -> None:
        """five-books' card shows each book's designed cover: the cover's own main colour covers part of it."""
        video = videos["five-books"]
        covers = [BOOK_COVERS[book["title"]] for book in load_recap("five-books")["data"]["books"]][:5]
        with Image.open(video.asset("card.jpg")) as card:
            shares = {}
            for name in covers:
                with Image.open(COVERS / name) as cover:
                    shares[name] = round(share_of_pixels_near(card, dominant_color(cover)), 4)
        assert all(share >= 0.003 for share in shares.values()), shares

    @pytest.mark.parametrize(("shape", "size"), [("square", (1080, 1080)), ("landscape", (1920, 1080))])
    def test_the_other_shapes_have_their_size_and_the_storys_length(
        self, shape: str, size: tuple[int, int], videos: dict[str, Rendered]
    ) -> None:
        """Each shape asked for is a video of its own: its size, the story's frame count and duration, with sound."""
        video = videos[SHAPED_RECAP]
        story, other = probe(video.path), probe(video.asset(f"{shape}.mp4"))
        assert (other.width, other.height) == size
        assert (other.frames, other.fps) == (story.frames, story.fps)
        assert other.duration == pytest.approx(story.duration, abs=0.05)
        assert mono_samples(video.asset(f"{shape}.mp4")), "no soundtrack"
