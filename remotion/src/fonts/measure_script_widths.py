"""Prints the per-script average advance widths that textFit.ts uses (SCRIPT_WIDTHS), from the bundled font files.

Not part of the build: run it by hand after changing a font package, with a Python that has fontTools and brotli
(`pip install fonttools brotli`), from remotion/: `python src/fonts/measure_script_widths.py`.

For each script and each of the video's four text styles it takes the font that style's stack uses for that script
(the same order as registry.ts), sets a variable font to the style's weight, and averages the advances of the
script's letters, digits and spacing marks (non-spacing marks are zero in textFit). The average of isolated forms
overestimates joined Arabic a little, which is the safe direction for a fit that must never overflow.
"""

from __future__ import annotations

import math
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

MODULES = Path(__file__).resolve().parents[2] / "node_modules"

# style -> (weight, display or body stack)
STYLES = {"display": (700, "serif"), "displayItalic": (400, "serif"), "body": (500, "sans"), "bodyBold": (700, "sans")}


def span(*ranges: tuple[int, int]) -> list[int]:
    return [code for start, end in ranges for code in range(start, end + 1)]


# script -> (sample code points, serif file, sans file); Inter's static files are per weight ({w}).
SCRIPTS: dict[str, tuple[list[int], str, str]] = {
    "greek": (
        span((0x391, 0x3A1), (0x3A3, 0x3A9), (0x3B1, 0x3C9)),
        "@fontsource-variable/noto-serif/files/noto-serif-greek-wght-normal.woff2",
        "@fontsource/inter/files/inter-greek-{w}-normal.woff2",
    ),
    "cyrillic": (
        span((0x410, 0x44F)),
        "@fontsource-variable/noto-serif/files/noto-serif-cyrillic-wght-normal.woff2",
        "@fontsource/inter/files/inter-cyrillic-{w}-normal.woff2",
    ),
    "armenian": (
        span((0x531, 0x556), (0x561, 0x586)),
        "@fontsource-variable/noto-serif-armenian/files/noto-serif-armenian-armenian-wght-normal.woff2",
        "@fontsource-variable/noto-sans-armenian/files/noto-sans-armenian-armenian-wght-normal.woff2",
    ),
    "georgian": (
        span((0x10D0, 0x10FA)),
        "@fontsource-variable/noto-serif-georgian/files/noto-serif-georgian-georgian-wght-normal.woff2",
        "@fontsource-variable/noto-sans-georgian/files/noto-sans-georgian-georgian-wght-normal.woff2",
    ),
    "hebrew": (
        span((0x5D0, 0x5EA)),
        "@fontsource-variable/noto-serif-hebrew/files/noto-serif-hebrew-hebrew-wght-normal.woff2",
        "@fontsource-variable/noto-sans-hebrew/files/noto-sans-hebrew-hebrew-wght-normal.woff2",
    ),
    "arabic": (
        span((0x621, 0x63A), (0x641, 0x64A), (0x660, 0x669), (0x67E, 0x67E), (0x686, 0x686), (0x698, 0x698))
        + span((0x6A9, 0x6A9), (0x6AF, 0x6AF), (0x6BA, 0x6BA), (0x6BE, 0x6BE), (0x6C1, 0x6C1), (0x6CC, 0x6CC))
        + span((0x6D2, 0x6D2), (0x679, 0x679), (0x688, 0x688), (0x691, 0x691)),
        "@fontsource-variable/noto-naskh-arabic/files/noto-naskh-arabic-arabic-wght-normal.woff2",
        "@fontsource-variable/noto-sans-arabic/files/noto-sans-arabic-arabic-wght-normal.woff2",
    ),
    "devanagari": (
        span((0x905, 0x914), (0x915, 0x939), (0x93E, 0x93E), (0x940, 0x940), (0x949, 0x94C), (0x966, 0x96F)),
        "@fontsource-variable/noto-serif-devanagari/files/noto-serif-devanagari-devanagari-wght-normal.woff2",
        "@fontsource-variable/noto-sans-devanagari/files/noto-sans-devanagari-devanagari-wght-normal.woff2",
    ),
    "bengali": (
        span((0x985, 0x98C), (0x98F, 0x990), (0x993, 0x9A8), (0x9AA, 0x9B0), (0x9B2, 0x9B2), (0x9B6, 0x9B9))
        + span((0x9BE, 0x9C0), (0x9C7, 0x9C8), (0x9CB, 0x9CC), (0x9E6, 0x9EF)),
        "@fontsource-variable/noto-serif-bengali/files/noto-serif-bengali-bengali-wght-normal.woff2",
        "@fontsource-variable/noto-sans-bengali/files/noto-sans-bengali-bengali-wght-normal.woff2",
    ),
    "tamil": (
        span((0xB85, 0xB8A), (0xB8E, 0xB90), (0xB92, 0xB95), (0xB99, 0xB9A), (0xB9C, 0xB9C), (0xB9E, 0xB9F))
        + span((0xBA3, 0xBA4), (0xBA8, 0xBAA), (0xBAE, 0xBB9), (0xBBE, 0xBBF), (0xBC1, 0xBC2), (0xBC6, 0xBC8))
        + span((0xBCA, 0xBCC), (0xBE6, 0xBEF)),
        "@fontsource-variable/noto-serif-tamil/files/noto-serif-tamil-tamil-wght-normal.woff2",
        "@fontsource-variable/noto-sans-tamil/files/noto-sans-tamil-tamil-wght-normal.woff2",
    ),
    "thai": (
        span((0xE01, 0xE2E), (0xE30, 0xE30), (0xE32, 0xE33), (0xE40, 0xE46), (0xE50, 0xE59)),
        "@fontsource-variable/noto-serif-thai/files/noto-serif-thai-thai-wght-normal.woff2",
        "@fontsource-variable/noto-sans-thai/files/noto-sans-thai-thai-wght-normal.woff2",
    ),
}


def load(path: str, weight: int) -> TTFont:
    font = TTFont(MODULES / path.format(w=weight))
    if "fvar" in font:
        font = instancer.instantiateVariableFont(font, {"wght": weight})
    return font


def average_advance(font: TTFont, codes: list[int]) -> float:
    cmap = font.getBestCmap()
    units = font["head"].unitsPerEm
    widths = [font["hmtx"][cmap[code]][0] / units for code in codes if code in cmap]
    if len(widths) < len(codes) * 0.9:
        raise SystemExit(f"{font.reader.file.name}: only {len(widths)} of {len(codes)} sample characters")
    return sum(widths) / len(widths)


def main() -> None:
    print("const SCRIPT_WIDTHS: Record<WidthScript, Record<FontKey, number>> = {")
    for script, (codes, serif, sans) in SCRIPTS.items():
        cells = []
        for style, (weight, stack) in STYLES.items():
            font = load(serif if stack == "serif" else sans, weight)
            cells.append(f"{style}: {math.ceil(average_advance(font, codes) * 100)}")
        print(f"  {script}: {{{', '.join(cells)}}},")
    print("};")
    emoji = TTFont(MODULES / "@infolektuell/noto-color-emoji/files/3.woff2")
    books = emoji.getBestCmap()[0x1F4DA]
    print(f"// emoji advance: {emoji['hmtx'][books][0] / emoji['head'].unitsPerEm:.3f} em")
    for name in ("jp", "kr"):
        cjk = TTFont(MODULES / f"@fontsource-variable/noto-sans-{name}/files/noto-sans-{name}-110-wght-normal.woff2")
        cmap = cjk.getBestCmap()
        wide = [cjk["hmtx"][glyph][0] / cjk["head"].unitsPerEm for code, glyph in cmap.items() if code >= 0x2E80]
        print(f"// {name}: full-width advances {min(wide):.3f}..{max(wide):.3f} em")


if __name__ == "__main__":
    main()
