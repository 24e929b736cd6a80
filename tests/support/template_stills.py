"""Stills of the composition under many templates, rendered in one driver run, and the measures the template-option
tests read from them: where a frame differs from its background, how many pixels have a color, which blobs (covers,
tiles) it shows, which horizontal bands (lines of text, rows of elements) it holds.

One driver run renders every still a test module asks for (a still carries its own props, another template, in the
same browser), so proving some hundred options costs one browser start and about a second a still. The frame
counts come from the driver too: a job without stills answers `done` with the composition's frameCount for its
props, in well under a second.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

from tests.support.recaps import load_recap
from tests.support.stills import Box, browser_executable, run_driver_job

RGB = tuple[int, int, int]

FULL = Box(0, 0, 1080, 1920)


def props_of(recap: str | Mapping[str, Any], template: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """MonthlyRecap props: a fixture recap by name (or props as given), with `template` when there is one."""
    props = load_recap(recap)["data"] if isinstance(recap, str) else copy.deepcopy(dict(recap))
    if template is not None:
        props["template"] = copy.deepcopy(dict(template))
    return props


@dataclass(frozen=True)
class Shot:
    """One still to render: a frame of the composition for a recap (fixture name or props) and a template."""

    recap: str | Mapping[str, Any]
    frame: int
    template: Mapping[str, Any] | None = None

    def props(self) -> dict[str, Any]:
        return props_of(self.recap, self.template)


@dataclass
class ShotList:
    """The stills a test module needs, by name; rendered all at once by `render_shots`."""

    shots: dict[str, Shot] = field(default_factory=dict)

    def add(
        self, name: str, recap: str | Mapping[str, Any], frame: int, template: Mapping[str, Any] | None = None
    ) -> str:
        shot = Shot(recap, frame, template)
        if self.shots.get(name, shot) != shot:
            raise ValueError(f"two different shots named {name!r}")
        self.shots[name] = shot
        return name


def render_shots(bundle: Path, shots: Mapping[str, Shot], out_dir: Path) -> dict[str, Image.Image]:
    """Every shot as an RGB image, in one driver run (PNG files `<name>.png` kept in `out_dir`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(shots)
    props = {name: shots[name].props() for name in names}
    # The most frequent props are the job's own: their stills skip selecting the composition again (~0.3 s each).
    keys = {name: json.dumps(props[name], sort_keys=True) for name in names}
    common = max(set(keys.values()), key=list(keys.values()).count)
    stills = [
        {
            "frame": shots[name].frame,
            "outputPath": str(out_dir / f"{name}.png"),
            **({} if keys[name] == common else {"inputProps": props[name]}),
        }
        for name in names
    ]
    job = {"inputProps": json.loads(common), "serveUrl": str(bundle), "browserExecutable": browser_executable()}
    run_driver_job({**job, "stills": stills})
    images = {}
    for name in names:
        with Image.open(out_dir / f"{name}.png") as image:
            images[name] = image.convert("RGB")
    return images


def frame_counts(bundle: Path, props: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """The composition's length in frames for each named props, as the driver reports it (`done.frameCount`)."""
    counts = {}
    for name, one in props.items():
        job = {
            "inputProps": dict(one),
            "serveUrl": str(bundle),
            "browserExecutable": browser_executable(),
            "stills": [],
        }
        counts[name] = int(run_driver_job(job)[-1]["frameCount"])
    return counts


# ---------------------------------------------------------------------------------------------------------------
# Measures


def hex_rgb(color: str) -> RGB:
    """#RRGGBB as a tuple."""
    value = color.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _distance(image: Image.Image, color: RGB) -> Image.Image:
    """Per pixel, the largest channel difference from `color` (an L image)."""
    red, green, blue = ImageChops.difference(image, Image.new("RGB", image.size, color)).split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue)


def _crop(image: Image.Image, region: Box | None) -> Image.Image:
    return image if region is None else image.crop(region.as_tuple())


def content_mask(image: Image.Image, background: RGB, tolerance: int = 24, region: Box | None = None) -> Image.Image:
    """White where a pixel differs from `background` by more than `tolerance` in some channel (over `region`)."""
    return _distance(_crop(image, region), background).point(lambda value: 255 if value > tolerance else 0)


def content_box(image: Image.Image, background: RGB, region: Box = FULL, tolerance: int = 24) -> Box | None:
    """The bounding box (in frame coordinates) of what differs from the background in `region`, or None."""
    box = content_mask(image, background, tolerance, region).getbbox()
    if box is None:
        return None
    return Box(region.left + box[0], region.top + box[1], region.left + box[2], region.top + box[3])


def count_near(image: Image.Image, color: RGB, region: Box | None = None, tolerance: int = 10) -> int:
    """How many pixels of `region` are within `tolerance` (each channel) of `color`."""
    near = _distance(_crop(image, region), color).point(lambda value: 255 if value <= tolerance else 0)
    return near.histogram()[255]


def ink(image: Image.Image, background: RGB, region: Box | None = None) -> float:
    """Mean largest-channel difference from the background over `region` (0-255): how much shows there."""
    distance = _distance(_crop(image, region), background)
    histogram = distance.histogram()
    return sum(value * count for value, count in enumerate(histogram)) / max(1, sum(histogram))


def pixel(image: Image.Image, x: int, y: int) -> RGB:
    red, green, blue = image.getpixel((x, y))  # type: ignore[misc]
    return (red, green, blue)


def close(a: RGB, b: RGB, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def bands(mask: Image.Image, offset: int = 0, min_gap: int = 12, min_height: int = 4) -> list[tuple[int, int]]:
    """Horizontal bands of a mask: runs of rows holding some white, split where at least `min_gap` rows are empty."""
    width, height = mask.size
    rows = [mask.crop((0, y, width, y + 1)).getbbox() is not None for y in range(height)]
    found: list[tuple[int, int]] = []
    start: int | None = None
    gap = 0
    for y, filled in enumerate([*rows, *([False] * min_gap)]):
        if filled:
            start = y if start is None else start
            gap = 0
        elif start is not None:
            gap += 1
            if gap >= min_gap:
                end = y - gap + 1
                if end - start >= min_height:
                    found.append((offset + start, offset + end))
                start = None
    return found


def blobs(mask: Image.Image, offset: tuple[int, int] = (0, 0), step: int = 4, min_size: int = 40) -> list[Box]:
    """Connected white areas of a mask (sampled every `step` pixels), as boxes in frame coordinates, biggest first;
    areas narrower or lower than `min_size` pixels are left out."""
    small = mask.resize((mask.width // step, mask.height // step), Image.Resampling.BOX).point(
        lambda value: 255 if value >= 128 else 0
    )
    width, height = small.size
    data = small.tobytes()
    seen = bytearray(len(data))
    found: list[Box] = []
    for start, value in enumerate(data):
        if not value or seen[start]:
            continue
        seen[start] = 1
        stack = [start]
        left, top, right, bottom = width, height, 0, 0
        while stack:
            index = stack.pop()
            y, x = divmod(index, width)
            left, top, right, bottom = min(left, x), min(top, y), max(right, x + 1), max(bottom, y + 1)
            for neighbour in _neighbours(index, x, y, width, height):
                if data[neighbour] and not seen[neighbour]:
                    seen[neighbour] = 1
                    stack.append(neighbour)
        box = Box(offset[0] + left * step, offset[1] + top * step, offset[0] + right * step, offset[1] + bottom * step)
        if box.right - box.left >= min_size and box.bottom - box.top >= min_size:
            found.append(box)
    return sorted(found, key=lambda box: -(box.right - box.left) * (box.bottom - box.top))


def _neighbours(index: int, x: int, y: int, width: int, height: int) -> Iterable[int]:
    if x > 0:
        yield index - 1
    if x < width - 1:
        yield index + 1
    if y > 0:
        yield index - width
    if y < height - 1:
        yield index + width


def width_of(box: Box) -> int:
    return box.right - box.left


def height_of(box: Box) -> int:
    return box.bottom - box.top
