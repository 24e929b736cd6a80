"""Where things are in a still of a book scene (BookReveal), found from the pixels.

Each book has a background of its own (a tint of its cover), so the background is sampled from the frame's left
margin, and the checks locate the parts they look at instead of hard-coding coordinates: the cover is the tall
block at the left, the CAWPILE bars are the evenly spaced rows of bars above the footer, and between them lie the
title and the author line.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops

from tests.support.stills import Box

CONTENT_LEFT, CONTENT_RIGHT = 80, 1000  # SAFE.x margins of the 1080 px frame
BACKGROUND_PROBE = (6, 960)  # the left margin, half way down: the scene's background
CONTENT_BOTTOM = 1680  # the footer's line, below the bars
COVER_PROBE_X = 90  # inside the cover, left of its text (covers start at x = 80, their text at x >= 116)
BARS_PROBE_X = 600  # inside every bar


def _close(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int = 4) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def background(image: Image.Image) -> tuple[int, int, int]:
    red, green, blue = image.getpixel(BACKGROUND_PROBE)  # type: ignore[misc]
    return (red, green, blue)


def _runs(image: Image.Image, x: int, top: int, bottom: int) -> list[tuple[int, int]]:
    """The runs of rows [start, end) in which the pixel at `x` is not the background."""
    bg = background(image)
    runs: list[tuple[int, int]] = []
    start = None
    for y in range(top, bottom):
        inside = not _close(image.getpixel((x, y)), bg, 8)
        if inside and start is None:
            start = y
        elif not inside and start is not None:
            runs.append((start, y))
            start = None
    if start is not None:
        runs.append((start, bottom))
    return runs


def cover_bottom(image: Image.Image) -> int:
    """The last row of the cover: the end of the longest run of non-background rows at COVER_PROBE_X."""
    bg = background(image)
    best_end, best_length, start = 0, 0, None
    for y in range(image.height):
        inside = not _close(image.getpixel((COVER_PROBE_X, y)), bg)
        if inside and start is None:
            start = y
        if not inside and start is not None:
            if y - start > best_length:
                best_end, best_length = y - 1, y - start
            start = None
    if best_length < 100:
        raise AssertionError("no cover found in the frame")
    return best_end


def bars_top(image: Image.Image, below: int) -> int:
    """The first row of the CAWPILE bars under `below`: going up from the footer, the bars are short runs (a bar's
    height) at an even spacing; where that pattern ends, the title's lines begin. Without bars, the footer's line."""
    runs = [run for run in _runs(image, BARS_PROBE_X, below, CONTENT_BOTTOM) if run[1] - run[0] <= 24]
    bars: list[tuple[int, int]] = []
    for run in reversed(runs):
        if bars and not 40 <= bars[-1][0] - run[0] <= 64:
            break
        bars.append(run)
    return bars[-1][0] - 18 if len(bars) >= 2 else CONTENT_BOTTOM


@dataclass(frozen=True)
class TextBand:
    """The title and author lines of a book scene."""

    box: Box

    @staticmethod
    def of(image: Image.Image) -> TextBand:
        top = cover_bottom(image) + 8
        return TextBand(Box(0, top, image.width, bars_top(image, top) - 8))


def ink(image: Image.Image, box: Box, threshold: int = 60) -> Image.Image:
    """A mask of `box`: white where a pixel is more than `threshold` off the scene's background in some channel."""
    difference = ImageChops.difference(image, Image.new("RGB", image.size, background(image))).crop(box.as_tuple())
    red, green, blue = difference.split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue).point(lambda value: 255 if value > threshold else 0)


def text_blocks(image: Image.Image, box: Box, gap: int = 12, threshold: int = 60) -> list[Box]:
    """Boxes around the runs of rows in `box` that hold text (a channel more than `threshold` off the background),
    split where at least `gap` rows are empty: the title, then the author line."""
    crop = ink(image, box, threshold)
    rows = [crop.crop((0, y, crop.width, y + 1)).getbbox() for y in range(crop.height)]
    blocks: list[Box] = []
    current: list[tuple[int, tuple[int, int, int, int]]] = []
    empty = 0
    for y, bbox in enumerate(rows):
        if bbox is not None:
            current.append((y, bbox))
            empty = 0
            continue
        empty += 1
        if current and empty >= gap:
            blocks.append(_block(current, box))
            current = []
    if current:
        blocks.append(_block(current, box))
    return blocks


def _block(rows: list[tuple[int, tuple[int, int, int, int]]], box: Box) -> Box:
    return Box(
        box.left + min(bbox[0] for _, bbox in rows),
        box.top + rows[0][0],
        box.left + max(bbox[2] for _, bbox in rows),
        box.top + rows[-1][0] + 1,
    )
