"""The square and landscape cuts (issue 20) are real layouts of the story's scenes: on the settled frame of every
scene, every text and every mark in the template's ink colours stays at least 24 px inside the frame, for each
fixture recap and for the world shelf's longest and right-to-left titles.

"Text pixels" are found without knowing where a scene puts its text: each frame is rendered twice, with the
template's text and accent colours as designed and with other ones; the pixels that differ are the ones drawn in
those colours (letters, eyebrows, icons, rules, bars). A title clipped by the frame edge, or a column pushed past
it, shows up as such pixels in the 24 px border. The stills (designed colours) are kept in the test artifacts
(formats/<format>/).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from tests.support.artifacts import artifacts_dir
from tests.support.recaps import FIXTURES, RECAP_NAMES
from tests.support.remotion import timeline
from tests.support.template_stills import ShotList, props_of, render_shots

pytestmark = pytest.mark.render

SIZES = {"square": (1080, 1080), "landscape": (1920, 1080)}
# How far inside the frame every text pixel stays.
INSET = 24
# A pixel counts as text when the two colourings differ by more than this in some channel (the film grain and
# antialiasing of a rasterised edge are well under it).
TOLERANCE = 40

# Other colours for whatever the template draws as ink: far from the designed ones in hue, and bright enough to
# pass the palette's contrast rule on the dark backgrounds unchanged.
OTHER_INK = {
    "global": {
        "colors": {
            "textPrimary": "#FFE14D",
            "textSecondary": "#7CF5FF",
            "textMuted": "#FF9AE0",
            "accent": "#9BFF6B",
            "accentSecondary": "#FFB347",
        }
    }
}

# The world shelf's books that are hardest to fit: the longest titles, the right-to-left ones, the tallest scripts.
WORLD_BOOKS = ("greek", "japanese-long", "mixed-direction", "arabic", "urdu", "bengali", "tamil")


def world_books() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(json.loads((FIXTURES / "writing-systems" / "world-shelf.json").read_text()))
    props: dict[str, Any] = data["data"]
    props["books"] = [book for book in props["books"] if book["id"] in WORLD_BOOKS]
    return props


RECAPS: dict[str, dict[str, Any]] = {name: props_of(name) for name in RECAP_NAMES}
RECAPS["world-shelf"] = world_books()


def settled_scenes(props: dict[str, Any]) -> list[tuple[str, int]]:
    """(scene name, its settled frame) for every scene of the recap."""
    return [
        (f"{index:02d}-{scene['kind']}", scene["from"] + min(scene["settledAt"], scene["exitAt"] - 1))
        for index, scene in enumerate(timeline(props)["scenes"])
    ]


SHOTS = ShotList()
# (recap, format) -> [(scene name, designed shot, other-ink shot)]
PAIRS: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
for recap_name, recap_props in RECAPS.items():
    scenes = settled_scenes(recap_props)
    for shape in SIZES:
        shaped = {**recap_props, "format": shape}
        PAIRS[recap_name, shape] = [
            (
                scene,
                SHOTS.add(f"{shape}/{recap_name}-{scene}", shaped, frame),
                SHOTS.add(f"{shape}/{recap_name}-{scene}-ink", shaped, frame, OTHER_INK),
            )
            for scene, frame in scenes
        ]


@pytest.fixture(scope="module")
def shots(remotion_bundle: Path) -> dict[str, Image.Image]:
    """Every still of the module, in one driver run; the designed ones kept in the artifacts (formats/)."""
    out = artifacts_dir("formats")
    for shape in SIZES:
        (out / shape).mkdir(parents=True, exist_ok=True)
    return render_shots(remotion_bundle, SHOTS.shots, out)


def ink_mask(designed: Image.Image, other: Image.Image) -> Image.Image:
    """White where the two colourings of a frame differ: the pixels drawn in the template's ink colours."""
    red, green, blue = ImageChops.difference(designed, other).split()
    widest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return widest.point(lambda value: 255 if value > TOLERANCE else 0)


def ink_in_border(mask: Image.Image) -> list[str]:
    """The sides of the frame whose INSET-pixel border holds ink, with where."""
    width, height = mask.size
    borders = {
        "left": (0, 0, INSET, height),
        "right": (width - INSET, 0, width, height),
        "top": (0, 0, width, INSET),
        "bottom": (0, height - INSET, width, height),
    }
    found = []
    for side, box in borders.items():
        inside = mask.crop(box).getbbox()
        if inside is not None:
            left, top = box[0], box[1]
            found.append(f"{side} at {(left + inside[0], top + inside[1], left + inside[2], top + inside[3])}")
    return found


@pytest.mark.parametrize("shape", list(SIZES))
@pytest.mark.parametrize("recap_name", list(RECAPS))
class TestEveryTextInsideTheFrame:
    def test_every_settled_scene_has_the_format_size(
        self, recap_name: str, shape: str, shots: dict[str, Image.Image]
    ) -> None:
        sizes = {scene: shots[designed].size for scene, designed, _ in PAIRS[recap_name, shape]}
        assert set(sizes.values()) == {SIZES[shape]}, sizes

    def test_no_text_comes_within_24_px_of_an_edge(
        self, recap_name: str, shape: str, shots: dict[str, Image.Image]
    ) -> None:
        """Text and ink marks of every settled scene stay 24 px inside every edge (nothing clipped), and every
        scene draws some (a scene that lost its text would pass the first point)."""
        touching = {}
        for scene, designed, other in PAIRS[recap_name, shape]:
            mask = ink_mask(shots[designed], shots[other])
            assert mask.getbbox() is not None, f"{scene} draws no text"
            sides = ink_in_border(mask)
            if sides:
                touching[scene] = sides
        assert touching == {}, f"text within {INSET} px of the frame edge in {recap_name} ({shape}): {touching}"


def test_the_timeline_is_the_same_in_every_format() -> None:
    """A cut has the story's timing (the same frames, so the same sound and beat): the timeline does not change
    with the format."""
    three = props_of("three-books")
    story = timeline(three)
    for shape in SIZES:
        assert timeline({**three, "format": shape}) == story
