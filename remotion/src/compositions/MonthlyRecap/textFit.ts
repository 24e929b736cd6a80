/**
 * Deterministic text fitting. Titles and names can be any length, and nothing may leave the frame; measuring the
 * DOM would depend on when fonts and layout settle, so instead we simulate line wrapping with the real advance
 * widths of the bundled fonts (read once from the woff2 files with fontTools) and a small safety margin. The
 * renderer still clamps with an ellipsis, so a wrong guess can only cut text, never overflow.
 */

export type FontKey = 'display' | 'displayItalic' | 'body' | 'bodyBold';

interface WidthTable {
  /** Average width (1/100 em) for characters outside printable ASCII. */
  fallback: number;
  /** Advance widths (1/100 em) of the characters U+0020..U+007E. */
  ascii: string;
}

// Fraunces 700, Fraunces 400 italic, Inter 500 (also used for Inter 400), Inter 700.
const TABLES: Record<FontKey, WidthTable> = {
  display: {fallback: 70, ascii: '21 33 41 67 62 82 99 20 38 38 62 57 31 40 30 50 70 49 64 59 66 61 65 55 65 65 30 31 52 57 52 57 95 76 74 71 82 68 63 77 88 43 56 83 65 96 77 80 73 80 79 63 72 76 74 109 74 70 65 37 50 37 48 51 27 58 63 54 64 55 42 60 66 33 33 64 33 98 66 61 64 63 51 51 41 65 57 86 58 59 51 42 30 42 64'},
  displayItalic: {fallback: 64, ascii: '20 31 35 64 58 73 67 17 36 36 62 55 24 39 23 45 65 43 59 53 57 55 59 52 56 59 28 29 51 56 51 48 88 64 66 64 75 63 60 70 79 38 36 71 56 85 71 77 65 77 68 57 59 70 62 95 65 58 61 37 43 37 46 46 23 55 55 46 56 48 32 52 57 32 30 55 31 85 59 53 55 54 47 43 37 59 56 82 58 51 50 40 32 40 62'},
  body: {fallback: 67, ascii: '27 30 49 64 65 99 65 31 37 37 52 67 30 46 30 37 65 42 62 63 66 60 63 57 63 63 30 32 67 67 67 53 98 71 66 73 72 60 59 75 74 27 58 69 57 91 76 77 64 77 65 65 65 74 71 100 70 70 64 37 37 37 48 46 34 57 62 58 62 59 38 62 60 25 25 56 25 89 60 60 62 62 39 54 34 60 57 83 56 58 56 44 35 44 67'},
  bodyBold: {fallback: 68, ascii: '24 34 55 65 65 102 67 34 38 38 56 68 33 47 33 39 67 43 63 65 68 62 65 58 65 65 33 34 68 68 68 56 102 75 66 74 72 61 59 75 75 28 58 72 57 93 76 77 65 78 66 65 67 73 75 104 74 73 66 38 39 38 49 48 37 58 63 59 63 60 40 63 62 27 27 58 27 91 62 61 63 63 41 56 37 62 60 85 58 60 57 47 37 47 68'},
};

/** Widths are overestimated a little: kerning and rounding differences must not make real text wider. */
const SAFETY = 1.05;

const parsed = new Map<FontKey, number[]>();

function asciiWidths(font: FontKey): number[] {
  let widths = parsed.get(font);
  if (widths === undefined) {
    widths = TABLES[font].ascii.split(' ').map(Number);
    parsed.set(font, widths);
  }
  return widths;
}

/** Width of one character in em. */
function charWidth(char: string, font: FontKey): number {
  const code = char.codePointAt(0) ?? 0x20;
  if (code >= 0x20 && code <= 0x7e) {
    return (asciiWidths(font)[code - 0x20] ?? TABLES[font].fallback) / 100;
  }
  if (code >= 0x300 && code <= 0x36f) {
    return 0; // combining marks
  }
  if (code >= 0x2e80) {
    return 1; // CJK and other full-width scripts: a fallback font, one em each
  }
  return TABLES[font].fallback / 100;
}

/** Width of `text` in em, including letter spacing. */
export function textWidthEm(text: string, font: FontKey, letterSpacingEm = 0): number {
  let width = 0;
  for (const char of text) {
    width += charWidth(char, font) + letterSpacingEm;
  }
  return width * SAFETY;
}

/** How many lines greedy word wrapping (with long words broken anywhere) gives at this font size. */
export function countLines(
  text: string,
  font: FontKey,
  fontSize: number,
  maxWidth: number,
  letterSpacingEm = 0,
): number {
  const words = text.trim().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) {
    return 1;
  }
  const space = textWidthEm(' ', font, letterSpacingEm) * fontSize;
  let lines = 1;
  let used = 0;
  for (const word of words) {
    const width = textWidthEm(word, font, letterSpacingEm) * fontSize;
    if (used === 0) {
      // A word wider than the line is broken across lines (overflow-wrap: anywhere).
      lines += Math.max(0, Math.ceil(width / maxWidth) - 1);
      used = width > maxWidth ? width % maxWidth : width;
    } else if (used + space + width <= maxWidth) {
      used += space + width;
    } else {
      lines += 1;
      lines += Math.max(0, Math.ceil(width / maxWidth) - 1);
      used = width > maxWidth ? width % maxWidth : width;
    }
  }
  return lines;
}

export interface FitOptions {
  text: string;
  font: FontKey;
  maxWidth: number;
  maxFontSize: number;
  minFontSize: number;
  /** Never more lines than this. */
  maxLines: number;
  /** Optional height budget in px (lines x fontSize x lineHeight must stay within). */
  maxHeight?: number;
  lineHeight: number;
  letterSpacingEm?: number;
}

export interface Fit {
  fontSize: number;
  /** Lines the text is allowed to use at that size (the clamp). */
  lines: number;
}

/**
 * The largest font size (in 2 px steps) at which the text fits, preferring sizes where no word has to be broken
 * mid-word; if nothing fits even at the minimum size, the minimum size and as many lines as the box allows.
 */
export function fitText(options: FitOptions): Fit {
  const {text, font, maxWidth, maxFontSize, minFontSize, maxLines, maxHeight, lineHeight, letterSpacingEm} = options;
  const allowedLines = (fontSize: number) => {
    const byHeight = maxHeight === undefined ? maxLines : Math.floor(maxHeight / (fontSize * lineHeight));
    return Math.max(1, Math.min(maxLines, byHeight));
  };
  const longestWordEm = Math.max(0, ...text.split(/\s+/).map((word) => textWidthEm(word, font, letterSpacingEm)));
  let fallback: Fit | null = null;
  for (let fontSize = maxFontSize; fontSize >= minFontSize; fontSize -= 2) {
    const lines = countLines(text, font, fontSize, maxWidth, letterSpacingEm);
    if (lines <= allowedLines(fontSize)) {
      if (longestWordEm * fontSize <= maxWidth) {
        return {fontSize, lines};
      }
      fallback ??= {fontSize, lines};
    }
  }
  return fallback ?? {fontSize: minFontSize, lines: allowedLines(minFontSize)};
}
