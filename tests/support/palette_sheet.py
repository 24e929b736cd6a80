"""A contact sheet of the book tints, for people: each fixture cover on the tint made from its first colour, for every
preset, with a title, stars (filled and empty) and a bar drawn in that scene's palette. Written to the test
artifacts by tests/test_palette.py; a quick look shows whether the tints suit the covers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from tests.support.recaps import COVERS
from tests.support.server import ROOT

FONT = ROOT / "remotion" / "node_modules" / "@fontsource" / "inter" / "files" / "inter-latin-700-normal.woff"
CELL = (200, 300)


def _rgb(color: str) -> str:
    return color[:7]  # the sheet ignores alpha (the palette's colours are opaque)


def _star(draw: ImageDraw.ImageDraw, center: tuple[float, float], radius: float, **style: Any) -> None:
    points = []
    for index in range(10):
        angle = -math.pi / 2 + index * math.pi / 5
        reach = radius if index % 2 == 0 else radius * 0.45
        points.append((center[0] + reach * math.cos(angle), center[1] + reach * math.sin(angle)))
    draw.polygon(points, **style)


def draw_sheet(report: dict[str, Any], covers: list[str], path: Path) -> None:
    """One row per preset, one cell per cover (its first colour's tint), saved as a PNG at `path`."""
    presets = list(report["presets"])
    sheet = Image.new("RGB", (CELL[0] * len(covers), CELL[1] * len(presets)), "white")
    draw = ImageDraw.Draw(sheet)
    title_font = ImageFont.truetype(str(FONT), 15)
    small = ImageFont.truetype(str(FONT), 11)
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for tint in report["tints"]:  # a cover's tints come in the order of its palette: keep the first colour's
        first.setdefault((tint["preset"], tint["label"]), tint)
    for row, preset in enumerate(presets):
        for column, name in enumerate(covers):
            tint = first[(preset, f"cover {name}")]
            palette = tint["palette"]
            x, y = column * CELL[0], row * CELL[1]
            draw.rectangle((x, y, x + CELL[0] - 1, y + CELL[1] - 1), fill=_rgb(palette["background"]))
            cover = Image.open(COVERS / name).convert("RGB")
            cover.thumbnail((110, 150))
            sheet.paste(cover, (x + (CELL[0] - cover.width) // 2, y + 14))
            draw.text((x + 12, y + 176), name.rsplit(".", 1)[0][:22], font=title_font, fill=_rgb(palette["text"]))
            draw.text((x + 12, y + 198), f"{preset}  {tint['tint']}", font=small, fill=_rgb(palette["muted"]))
            for index in range(5):
                center = (x + 22 + index * 26, y + 232)
                if index < 3:
                    _star(draw, center, 10, fill=_rgb(palette["ratingHigh"]))
                else:
                    _star(draw, center, 10, outline=_rgb(palette["starEmpty"]), width=2)
            draw.rounded_rectangle((x + 12, y + 256, x + CELL[0] - 14, y + 268), 6, fill=_rgb(palette["track"]))
            draw.rounded_rectangle((x + 12, y + 256, x + 120, y + 268), 6, fill=_rgb(palette["accent"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)
