/**
 * WCAG 2.x contrast: relative luminance, the contrast ratio of a foreground on a background, and `ensureContrast`,
 * which moves a colour just far enough in lightness to reach a ratio.
 *
 * A translucent foreground is composited over the background first (what the screen shows); a background is taken
 * as opaque (its alpha ignored): the palette's backgrounds are the frame, a card or a badge, never see-through.
 *
 * `ensureContrast` keeps the colour's OKLCH hue (oklch.ts) and changes only its lightness (chroma too, where sRGB
 * has no colour that light or dark in that hue), toward black or toward white, whichever reaches the ratio with the
 * smaller change. It searches in small steps and then halves the last step, and every answer is checked on the
 * colour it returns (rounded to 8 bits), so a result said to pass does pass. When neither direction can reach the
 * ratio (possible above 4.58:1 against a mid grey, never at 4.5 or less) it returns the end, black or white, that
 * comes closest.
 */
import {type Rgba} from '../template/colors';
import {fromOklch, oklchOf, rgbaOf, rgbToOklch} from './oklch';

/** Text (and anything read as text) against what it is drawn on: WCAG 2.x SC 1.4.3, level AA. */
export const TEXT_CONTRAST = 4.5;
/** Graphics that carry meaning (stars, bars, icons, badges): WCAG 2.x SC 1.4.11. */
export const GRAPHIC_CONTRAST = 3;

function channelLuminance(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function luminanceOfRgb({r, g, b}: Rgba): number {
  return 0.2126 * channelLuminance(r) + 0.7152 * channelLuminance(g) + 0.0722 * channelLuminance(b);
}

/** `color` composited over an opaque `under`. */
function over(color: Rgba, under: Rgba): Rgba {
  const mix = (top: number, bottom: number) => top * color.a + bottom * (1 - color.a);
  return {r: mix(color.r, under.r), g: mix(color.g, under.g), b: mix(color.b, under.b), a: 1};
}

/**
 * WCAG relative luminance (0 black .. 1 white) of a CSS colour; a translucent one composited over `background`
 * (when given; otherwise its alpha is ignored).
 */
export function relativeLuminance(color: string, background?: string): number {
  const rgba = rgbaOf(color);
  return luminanceOfRgb(background === undefined ? rgba : over(rgba, {...rgbaOf(background), a: 1}));
}

/** The WCAG contrast ratio (1 .. 21) of `foreground` drawn on `background`. */
export function contrastRatio(foreground: string, background: string): number {
  const fg = relativeLuminance(foreground, background);
  const bg = relativeLuminance(background);
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}

/** The lowest ratio of `foreground` against each of `backgrounds`. */
export function worstContrast(foreground: string, backgrounds: readonly string[]): number {
  return Math.min(...backgrounds.map((background) => contrastRatio(foreground, background)));
}

/** Whether white reads better than black on `background` (so the things drawn on it are light). */
export function isDark(background: string): boolean {
  return contrastRatio('#FFFFFF', background) >= contrastRatio('#000000', background);
}

const STEP = 0.01;

/**
 * The colour whose lightness is moved from `start` toward `end` (0 or 1) the least to pass `passes`, or null when
 * even `end` does not.
 */
function firstPassing(color: Rgba, end: 0 | 1, passes: (candidate: string) => boolean): {color: string; change: number} | null {
  const {l, c, h} = rgbToOklch(color);
  const at = (lightness: number) => fromOklch({l: lightness, c, h}, color.a);
  const direction = end === 1 ? 1 : -1;
  const distance = Math.abs(end - l);
  let failing = 0;
  for (let moved = STEP; ; moved += STEP) {
    const change = Math.min(moved, distance);
    if (passes(at(l + direction * change))) {
      let passing = change;
      for (let halving = 0; halving < 10; halving++) {
        const middle = (failing + passing) / 2;
        if (passes(at(l + direction * middle))) {
          passing = middle;
        } else {
          failing = middle;
        }
      }
      return {color: at(l + direction * passing), change: passing};
    }
    failing = change;
    if (change >= distance) {
      return null;
    }
  }
}

/**
 * `foreground` if it already has at least `min` contrast against `background` (or against every one of several
 * backgrounds); otherwise the same hue moved in lightness toward black or white, whichever reaches `min` with the
 * smaller change (`#RRGGBB`, or `#RRGGBBAA` for a translucent colour). If neither can, black or white, whichever
 * contrasts more.
 */
export function ensureContrast(foreground: string, background: string | readonly string[], min: number): string {
  const backgrounds = typeof background === 'string' ? [background] : background;
  const passes = (candidate: string) => worstContrast(candidate, backgrounds) >= min;
  if (passes(foreground)) {
    return foreground;
  }
  const color = rgbaOf(foreground);
  const options = [firstPassing(color, 0, passes), firstPassing(color, 1, passes)].filter(
    (option): option is {color: string; change: number} => option !== null,
  );
  if (options.length > 0) {
    return options.reduce((best, option) => (option.change < best.change ? option : best)).color;
  }
  const [black, white] = ['#000000', '#FFFFFF'];
  return worstContrast(white, backgrounds) > worstContrast(black, backgrounds) ? white : black;
}

/**
 * The colour that stands to `to` as `color` stands to `from`: `to`'s hue and chroma, lighter or darker than `to`
 * as `color` is than `from`, at the same contrast ratio (as near as lightness allows; the end, black or white,
 * when that ratio is out of reach). Ratios rather than lightness differences, because equal steps of lightness
 * are far apart near black: the bold preset's #141414 card on #000000 is a ratio of 1.14.
 */
export function sameStep(color: string, from: string, to: string): string {
  const ratio = contrastRatio(color, from);
  const {l, c, h} = oklchOf(to);
  const end = relativeLuminance(color) >= relativeLuminance(from) ? 1 : 0;
  const at = (lightness: number) => fromOklch({l: lightness, c, h});
  if (contrastRatio(at(end), to) <= ratio) {
    return at(end);
  }
  let [near, far] = [l, end as number];
  for (let step = 0; step < 24; step++) {
    const middle = (near + far) / 2;
    if (contrastRatio(at(middle), to) < ratio) {
      near = middle;
    } else {
      far = middle;
    }
  }
  return at(far);
}

/** The dark ink of the default design, for marks on light colors (and white for marks on dark ones). */
const DARK_INK = '#1B1407';

/**
 * Dark ink or white for marks on `color`, whichever contrasts more (the crossing point for DARK_INK is a
 * luminance of 0.197). scenePalette still checks the ink it gets from here, since on a mid colour neither may reach
 * 4.5:1 (then it moves the ink toward black).
 */
export function inkOn(color: string): string {
  return relativeLuminance(color) > 0.197 ? DARK_INK : '#FFFFFF';
}
