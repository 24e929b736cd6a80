"""Where things are in a still of a book scene (BookReveal), found from the pixels.

The scene's layout moves with its content (the body is centred vertically, titles take one to six lines), so the
checks locate the parts they look at instead of hard-coding coordinates: the cover is the tall block at the left,
the CAWPILE bars are rows of the track or accent colour, and between them lie the title and the author line.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from tests.support.stills import Box

BACKGROUND = (14, 15, 19)  # COLORS.background
TRACK = (42, 45, 56)  # COLORS.track, the bars' empty part
CONTENT_LEFT, CONTENT_RIGHT = 80, 1000  # SAFE.x margins of the 1080 px frame
COVER_PROBE_X = 90  # inside the cover, left of its text (covers start at x = 80, their text at x >= 116)
BARS_PROBE_X = 600  # inside every bar


def _close(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int = 4) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def cover_bottom(image: Image.Image) -> int:
    """The last row of the cover: the end of the longest run of non-background rows at COVER_PROBE_X."""
    best_end, best_length, start = 0, 0, None
    for y in range(image.height):
        inside = not _close(image.getpixel((COVER_PROBE_X, y)), BACKGROUND)
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
    """The first row under `below` that belongs to a CAWPILE bar (its track or its accent fill)."""
    for y in range(below, image.height):
        r, g, b = image.getpixel((BARS_PROBE_X, y))
        if _close((r, g, b), TRACK) or (r > 230 and 160 < g < 200 and b < 90):
            return y
    return image.height


@dataclass(frozen=True)
class TextBand:
    """The title and author lines of a book scene."""

    box: Box

    @staticmethod
    def of(image: Image.Image) -> TextBand:
        top = cover_bottom(image) + 8
        return TextBand(Box(0, top, image.width, bars_top(image, top) - 8))


def text_blocks(image: Image.Image, box: Box, gap: int = 12, threshold: int = 80) -> list[Box]:
    """Boxes around the runs of rows in `box` that hold text (any channel brighter than `threshold`), split where
    at least `gap` rows are empty: the title, then the author line."""
    crop = image.crop(box.as_tuple()).convert("L").point(lambda value: 255 if value > threshold else 0)
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
