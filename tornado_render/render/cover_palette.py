"""The dominant colours of a book cover, so the video can tint each book's scene from its own cover.

Extraction runs on the image covers.py has already verified, decoded and scaled into the cover box (at most
540x810 pixels), in the same executor call, so it costs a millisecond or two and decodes nothing again.

How, and why so:
- The image is box-averaged into a coarse grid of GRID cells (each cell the mean of its pixels). JPEG noise, grain
  and hatching average out, so a re-encoded cover gives the same palette, and the cost does not depend on the size.
- Each cell weighs 1 + CHROMA_WEIGHT x its chroma ((max - min) / 255 of its channels): a large neutral area still
  wins over a small saturated detail (a near-white cover's first colour is near-white), while a saturated area beats
  a neutral one of a similar size (the red a reader remembers of a red cover with a white title).
- The cells are bucketed by colour (the top BUCKET_BITS bits of each channel) and the heaviest bucket wins. Its
  colour is the weighted mean of every remaining cell within MERGE_DISTANCE of the bucket's mean, not only of the
  bucket's own cells: a flat area whose colour sits on a bucket boundary (#808080 is one) would otherwise be split
  in two by a re-encode's noise. Those cells are then set aside and the next colour is looked for among the rest,
  up to MAX_COLORS, as long as the next bucket covers at least MIN_SHARE of the cover (a title's letters or a
  small emblem are not a colour of the cover).

The result is most dominant first, as `#rrggbb`. It is a cover's colours, not yet colours to draw with: the
composition makes a tint of the first one and adjusts it for contrast (remotion/src/palette/).
"""

from __future__ import annotations

from collections import defaultdict

from PIL import Image

GRID = (24, 36)
BUCKET_BITS = 3
CHROMA_WEIGHT = 2.0
MERGE_DISTANCE = 48.0
MAX_COLORS = 3
MIN_SHARE = 0.05

Cell = tuple[float, float, float, float]  # r, g, b, weight


def _cells(image: Image.Image) -> list[Cell]:
    """The grid's cells: their mean colours and weights."""
    pixels = image.convert("RGB").resize(GRID, Image.Resampling.BOX).tobytes()
    cells: list[Cell] = []
    for index in range(0, len(pixels), 3):
        r, g, b = pixels[index], pixels[index + 1], pixels[index + 2]
        chroma = (max(r, g, b) - min(r, g, b)) / 255
        cells.append((r, g, b, 1 + CHROMA_WEIGHT * chroma))
    return cells


def _mean(cells: list[Cell]) -> tuple[float, float, float]:
    total = sum(cell[3] for cell in cells)
    return (
        sum(cell[0] * cell[3] for cell in cells) / total,
        sum(cell[1] * cell[3] for cell in cells) / total,
        sum(cell[2] * cell[3] for cell in cells) / total,
    )


def _distance(cell: Cell, color: tuple[float, float, float]) -> float:
    return float(((cell[0] - color[0]) ** 2 + (cell[1] - color[1]) ** 2 + (cell[2] - color[2]) ** 2) ** 0.5)


def _heaviest_bucket(cells: list[Cell]) -> list[int]:
    """The cells (indexes) of the heaviest bucket (ties: the lowest bucket key, so the answer never depends on the
    order of the cells)."""
    shift = 8 - BUCKET_BITS
    buckets: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for index, cell in enumerate(cells):
        buckets[(int(cell[0]) >> shift, int(cell[1]) >> shift, int(cell[2]) >> shift)].append(index)
    weights = {key: sum(cells[index][3] for index in members) for key, members in buckets.items()}
    key = min(buckets, key=lambda k: (-weights[k], k))
    return buckets[key]


def dominant_colors(image: Image.Image) -> list[str]:
    """Up to MAX_COLORS dominant colours of `image` as `#rrggbb`, most dominant first (never empty)."""
    remaining = _cells(image)
    least = MIN_SHARE * len(remaining)
    colors: list[str] = []
    while remaining and len(colors) < MAX_COLORS:
        members = _heaviest_bucket(remaining)
        if colors and len(members) < least:
            break
        center = _mean([remaining[index] for index in members])
        taken = set(members) | {i for i, cell in enumerate(remaining) if _distance(cell, center) <= MERGE_DISTANCE}
        r, g, b = _mean([remaining[index] for index in sorted(taken)])
        colors.append(f"#{round(r):02x}{round(g):02x}{round(b):02x}")
        remaining = [cell for index, cell in enumerate(remaining) if index not in taken]
    return colors
