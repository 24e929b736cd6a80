/**
 * Deterministic text fitting. Titles and names can be any length, and nothing may leave the frame; measuring the
 * DOM would depend on when fonts and layout settle, so instead we simulate line wrapping with the real advance
 * widths of the bundled fonts (read once from the woff2 files with fontTools; fonts/measure_script_widths.py for
 * the non-Latin scripts) and a small safety margin. The renderer still clamps with an ellipsis, so a wrong guess can
 * only cut text, never overflow.
 *
 * Line breaks are simulated where the browser may break: at spaces, between two CJK characters (except before
 * closing punctuation and small kana, or after opening punctuation, the kinsoku rules FitText asks the browser
 * for with `line-break: strict`), and between dictionary words in Thai, Lao, Khmer and Myanmar (Intl.Segmenter,
 * the same ICU dictionaries Chromium breaks lines with). Korean keeps its words whole (FitText sets
 * `word-break: keep-all` for it), as Korean typesetting does. The simulation errs towards fewer break
 * opportunities, which can only pick a smaller size, never overflow. Latin text is split and measured exactly as
 * before these rules existed (same pieces, same widths), so Latin recaps look unchanged.
 */
import {DEFAULT_FAMILIES, type DesignFamilies, type FontKey} from '../../fonts/types';
import {DICTIONARY_BROKEN, graphemes, hanLang, type HanLang, WIDE} from '../../fonts/writingSystems';

export type {FontKey} from '../../fonts/types';

interface WidthTable {
  /** Average width (1/100 em) for characters outside printable ASCII. */
  fallback: number;
  /** Advance widths (1/100 em) of the characters U+0020..U+007E. */
  ascii: string;
}

// Fraunces 700, Fraunces 400 italic, Inter 500 (also used for Inter 400), Inter 700.
const TABLES: Record<'display' | 'displayItalic' | 'body' | 'bodyBold', WidthTable> = {
  display: {fallback: 70, ascii: '21 33 41 67 62 82 99 20 38 38 62 57 31 40 30 50 70 49 64 59 66 61 65 55 65 65 30 31 52 57 52 57 95 76 74 71 82 68 63 77 88 43 56 83 65 96 77 80 73 80 79 63 72 76 74 109 74 70 65 37 50 37 48 51 27 58 63 54 64 55 42 60 66 33 33 64 33 98 66 61 64 63 51 51 41 65 57 86 58 59 51 42 30 42 64'},
  displayItalic: {fallback: 64, ascii: '20 31 35 64 58 73 67 17 36 36 62 55 24 39 23 45 65 43 59 53 57 55 59 52 56 59 28 29 51 56 51 48 88 64 66 64 75 63 60 70 79 38 36 71 56 85 71 77 65 77 68 57 59 70 62 95 65 58 61 37 43 37 46 46 23 55 55 46 56 48 32 52 57 32 30 55 31 85 59 53 55 54 47 43 37 59 56 82 58 51 50 40 32 40 62'},
  body: {fallback: 67, ascii: '27 30 49 64 65 99 65 31 37 37 52 67 30 46 30 37 65 42 62 63 66 60 63 57 63 63 30 32 67 67 67 53 98 71 66 73 72 60 59 75 74 27 58 69 57 91 76 77 64 77 65 65 65 74 71 100 70 70 64 37 37 37 48 46 34 57 62 58 62 59 38 62 60 25 25 56 25 89 60 60 62 62 39 54 34 60 57 83 56 58 56 44 35 44 67'},
  bodyBold: {fallback: 68, ascii: '24 34 55 65 65 102 67 34 38 38 56 68 33 47 33 39 67 43 63 65 68 62 65 58 65 65 33 34 68 68 68 56 102 75 66 74 72 61 59 75 75 28 58 72 57 93 76 77 65 78 66 65 67 73 75 104 74 73 66 38 39 38 49 48 37 58 63 59 63 60 40 63 62 27 27 58 27 91 62 61 63 63 41 56 37 62 60 85 58 60 57 47 37 47 68'},
};

/** JetBrains Mono: every character 600 units of its 1000-unit em, in every weight and style. */
const MONO_TABLE: WidthTable = {fallback: 60, ascii: Array(95).fill('60').join(' ')};

/** Widths are overestimated a little: kerning and rounding differences must not make real text wider. */
const SAFETY = 1.05;

/** Which stack (and so which of the template's families) each text style draws from; mirrors fonts/registry.ts. */
const STACK_OF: Record<FontKey, keyof DesignFamilies> = {
  display: 'display',
  displayItalic: 'display',
  body: 'body',
  bodyBold: 'body',
  mono: 'mono',
};

/**
 * The ASCII widths of the face a text style gets from a family, the way the browser matches it: Fraunces is
 * bundled as 700 and 400 italic (every upright style is drawn 700), Inter as 400, 500 and 700 upright (its italic
 * is Inter 400 slanted, with Inter 400's widths), JetBrains Mono is monospaced.
 */
function tableFor(font: FontKey, families: DesignFamilies): WidthTable {
  const family = families[STACK_OF[font]];
  const italic = font === 'displayItalic';
  if (family === 'Fraunces') {
    return TABLES[italic ? 'displayItalic' : 'display'];
  }
  if (family === 'JetBrains Mono') {
    return MONO_TABLE;
  }
  return TABLES[font === 'display' || font === 'bodyBold' || font === 'mono' ? 'bodyBold' : 'body'];
}

const parsed = new Map<WidthTable, number[]>();

function asciiWidths(table: WidthTable): number[] {
  let widths = parsed.get(table);
  if (widths === undefined) {
    widths = table.ascii.split(' ').map(Number);
    parsed.set(table, widths);
  }
  return widths;
}

type WidthScript =
  | 'greek'
  | 'cyrillic'
  | 'armenian'
  | 'georgian'
  | 'hebrew'
  | 'arabic'
  | 'devanagari'
  | 'bengali'
  | 'tamil'
  | 'thai';

/** Average advance (1/100 em, rounded up) of each script's letters in the font its stack uses for it. */
const SCRIPT_WIDTHS: Record<WidthScript, Record<'display' | 'displayItalic' | 'body' | 'bodyBold', number>> = {
  greek: {display: 67, displayItalic: 63, body: 66, bodyBold: 67},
  cyrillic: {display: 73, displayItalic: 70, body: 70, bodyBold: 71},
  armenian: {display: 69, displayItalic: 64, body: 67, bodyBold: 69},
  georgian: {display: 69, displayItalic: 65, body: 66, bodyBold: 68},
  hebrew: {display: 53, displayItalic: 52, body: 56, bodyBold: 58},
  arabic: {display: 61, displayItalic: 58, body: 68, bodyBold: 71},
  devanagari: {display: 60, displayItalic: 57, body: 63, bodyBold: 67},
  bengali: {display: 63, displayItalic: 59, body: 67, bodyBold: 69},
  tamil: {display: 119, displayItalic: 112, body: 107, bodyBold: 115},
  thai: {display: 64, displayItalic: 62, body: 59, bodyBold: 61},
};

/** Unicode blocks of the scripts above: [first, last, script]. */
const SCRIPT_BLOCKS: ReadonlyArray<readonly [number, number, WidthScript]> = [
  [0x0370, 0x03ff, 'greek'],
  [0x0400, 0x052f, 'cyrillic'],
  [0x0530, 0x058f, 'armenian'],
  [0x0590, 0x05ff, 'hebrew'],
  [0x0600, 0x06ff, 'arabic'],
  [0x0750, 0x077f, 'arabic'],
  [0x0870, 0x08ff, 'arabic'],
  [0x0900, 0x097f, 'devanagari'],
  [0x0980, 0x09ff, 'bengali'],
  [0x0b80, 0x0bff, 'tamil'],
  [0x0e00, 0x0e7f, 'thai'],
  [0x10a0, 0x10ff, 'georgian'],
  [0x1c80, 0x1c8f, 'cyrillic'],
  [0x1c90, 0x1cbf, 'georgian'],
  [0x1f00, 0x1fff, 'greek'],
  [0x2d00, 0x2d2f, 'georgian'],
  [0x2de0, 0x2dff, 'cyrillic'],
  [0xa640, 0xa69f, 'cyrillic'],
  [0xa8e0, 0xa8ff, 'devanagari'],
  [0xfb13, 0xfb17, 'armenian'],
  [0xfb1d, 0xfb4f, 'hebrew'],
  [0xfb50, 0xfdff, 'arabic'],
  [0xfe70, 0xfeff, 'arabic'],
];

/** Noto Color Emoji's advance is 1.245 em. */
const EMOJI_WIDTH = 1.25;

/** Marks drawn on a base, and invisible formatting characters (ZWJ, variation selectors, bidi marks). */
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;
const EMOJI = /\p{Extended_Pictographic}/u;

function scriptOf(code: number): WidthScript | null {
  for (const [first, last, script] of SCRIPT_BLOCKS) {
    if (code < first) {
      return null;
    }
    if (code <= last) {
      return script;
    }
  }
  return null;
}

/** Width of one character in em. */
function charWidth(char: string, font: FontKey, families: DesignFamilies): number {
  const table = tableFor(font, families);
  const code = char.codePointAt(0) ?? 0x20;
  if (code >= 0x20 && code <= 0x7e) {
    return (asciiWidths(table)[code - 0x20] ?? table.fallback) / 100;
  }
  if ((code >= 0x300 && code <= 0x36f) || (code > 0x36f && ZERO_WIDTH.test(char))) {
    return 0; // combining marks
  }
  const script = scriptOf(code);
  if (script !== null) {
    // Other scripts come from the Noto fallbacks whatever the design's family (figures: from the body stack's).
    return SCRIPT_WIDTHS[script][font === 'mono' ? 'bodyBold' : font] / 100;
  }
  if (code >= 0x2190 && EMOJI.test(char)) {
    return EMOJI_WIDTH;
  }
  if (code >= 0x2e80) {
    return 1; // CJK and other full-width scripts: one em each
  }
  return table.fallback / 100;
}

/** Width of `text` in em, including letter spacing. */
export function textWidthEm(text: string, font: FontKey, letterSpacingEm = 0, families: DesignFamilies = DEFAULT_FAMILIES): number {
  let width = 0;
  for (const char of text) {
    width += charWidth(char, font, families) + letterSpacingEm;
  }
  return width * SAFETY;
}

/** Characters a line may not start with (closing punctuation, small kana, iteration and prolonged sound marks). */
const NO_LINE_START = new Set(
  Array.from(
    '、。，．・：；？！‼⁇⁈⁉ー－～’”）〕］｝〉》」』】〙〗〟｠»ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ' +
      'ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻ゝゞヽヾ…‥,.:;?!)]}%',
  ),
);
/** Characters a line may not end with (opening punctuation). */
const NO_LINE_END = new Set(Array.from('（〔［｛〈《「『【〘〖〝‘“｟«([{'));

const ASCII_ONLY = /^[\x20-\x7e]*$/;

type PieceKind = 'wide' | 'dictionary' | 'other';

let dictionarySegmenter: Intl.Segmenter | null = null;

function dictionaryWords(run: string): string[] {
  dictionarySegmenter ??= new Intl.Segmenter('th', {granularity: 'word'});
  return Array.from(dictionarySegmenter.segment(run), (part) => part.segment);
}

/** The word cut into graphemes, with runs of dictionary-broken scripts cut into their words instead. */
function pieces(word: string, splitWide: boolean): Array<{text: string; kind: PieceKind}> {
  const result: Array<{text: string; kind: PieceKind}> = [];
  let run = '';
  const flush = () => {
    if (run !== '') {
      result.push(...dictionaryWords(run).map((text) => ({text, kind: 'dictionary' as const})));
      run = '';
    }
  };
  for (const grapheme of graphemes(word)) {
    if (DICTIONARY_BROKEN.test(grapheme)) {
      run += grapheme;
      continue;
    }
    flush();
    result.push({text: grapheme, kind: splitWide && WIDE.test(grapheme) ? 'wide' : 'other'});
  }
  flush();
  return result;
}

/**
 * A space-separated word cut into the pieces a line may break between. A word of a script that breaks only at
 * spaces (Latin, Greek, Cyrillic, Arabic, Hebrew, Indic scripts; Korean) stays one piece.
 */
export function breakUnits(word: string, lang: HanLang | null = hanLang(word)): string[] {
  const splitWide = lang !== 'ko';
  if (ASCII_ONLY.test(word) || ((!splitWide || !WIDE.test(word)) && !DICTIONARY_BROKEN.test(word))) {
    return [word];
  }
  const units: string[] = [];
  let previous: {text: string; kind: PieceKind} | null = null;
  for (const piece of pieces(word, splitWide)) {
    const mayBreak =
      previous !== null &&
      (previous.kind === 'wide' || piece.kind === 'wide' || (previous.kind === 'dictionary' && piece.kind === 'dictionary')) &&
      !NO_LINE_START.has(Array.from(piece.text)[0]) &&
      !NO_LINE_END.has(Array.from(previous.text).at(-1) ?? '');
    if (units.length === 0 || mayBreak) {
      units.push(piece.text);
    } else {
      units[units.length - 1] += piece.text;
    }
    previous = piece;
  }
  return units;
}

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter((word) => word !== '');
}

/** How many lines greedy wrapping (at the break opportunities above; too long pieces broken anywhere) gives. */
export function countLines(
  text: string,
  font: FontKey,
  fontSize: number,
  maxWidth: number,
  letterSpacingEm = 0,
  lang: HanLang | null = hanLang(text),
  families: DesignFamilies = DEFAULT_FAMILIES,
): number {
  const all = words(text);
  if (all.length === 0) {
    return 1;
  }
  const space = textWidthEm(' ', font, letterSpacingEm, families) * fontSize;
  let lines = 1;
  let used = 0;
  for (const word of all) {
    breakUnits(word, lang).forEach((unit, index) => {
      const width = textWidthEm(unit, font, letterSpacingEm, families) * fontSize;
      const gap = index === 0 ? space : 0;
      if (used === 0) {
        // A piece wider than the line is broken across lines (overflow-wrap: anywhere).
        lines += Math.max(0, Math.ceil(width / maxWidth) - 1);
        used = width > maxWidth ? width % maxWidth : width;
      } else if (used + gap + width <= maxWidth) {
        used += gap + width;
      } else {
        lines += 1;
        lines += Math.max(0, Math.ceil(width / maxWidth) - 1);
        used = width > maxWidth ? width % maxWidth : width;
      }
    });
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
  /** The Han convention the text is drawn with (Korean keeps words whole); by default read from the text. */
  lang?: HanLang | null;
  /** The template's families (default: today's design). */
  families?: DesignFamilies;
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
  const key = JSON.stringify(options);
  const cached = fits.get(key);
  if (cached !== undefined) {
    return cached;
  }
  if (fits.size > 1000) {
    fits.clear();
  }
  const fit = computeFit(options);
  fits.set(key, fit);
  return fit;
}

/** fitText runs on every frame for every text; its answer only depends on its options. */
const fits = new Map<string, Fit>();

function computeFit(options: FitOptions): Fit {
  const {text, font, maxWidth, maxFontSize, minFontSize, maxLines, maxHeight, lineHeight, letterSpacingEm} = options;
  const families = options.families ?? DEFAULT_FAMILIES;
  const lang = options.lang === undefined ? hanLang(text) : options.lang;
  const allowedLines = (fontSize: number) => {
    const byHeight = maxHeight === undefined ? maxLines : Math.floor(maxHeight / (fontSize * lineHeight));
    return Math.max(1, Math.min(maxLines, byHeight));
  };
  const units = words(text).flatMap((word) => breakUnits(word, lang));
  const longestWordEm = Math.max(0, ...units.map((unit) => textWidthEm(unit, font, letterSpacingEm, families)));
  let fallback: Fit | null = null;
  for (let fontSize = maxFontSize; fontSize >= minFontSize; fontSize -= 2) {
    const lines = countLines(text, font, fontSize, maxWidth, letterSpacingEm, lang, families);
    if (lines <= allowedLines(fontSize)) {
      if (longestWordEm * fontSize <= maxWidth) {
        return {fontSize, lines};
      }
      fallback ??= {fontSize, lines};
    }
  }
  return fallback ?? {fontSize: minFontSize, lines: allowedLines(minFontSize)};
}
