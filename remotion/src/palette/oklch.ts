/**
 * OKLCH, the colour space the palette moves colours in: its lightness L (0 black .. 1 white) follows perceived
 * lightness far better than HSL's, and its hue h stays the hue a person sees while L changes, so "the same colour,
 * darker" looks like that. Chroma C is how colourful; sRGB cannot show every (L, C, h), so a colour made here keeps
 * its L and h and loses chroma until it fits (`fromOklch`).
 *
 * The matrices are Björn Ottosson's (https://bottosson.github.io/posts/oklab/), on linear sRGB.
 */
import {parseCssColor, type Rgba} from '../template/colors';

export interface Oklch {
  /** 0 (black) .. 1 (white). */
  l: number;
  /** 0 (grey) .. about 0.37 (the most colourful sRGB colours). */
  c: number;
  /** Degrees, 0 .. 360. */
  h: number;
}

const BLACK: Rgba = {r: 0, g: 0, b: 0, a: 1};

/** A CSS colour's components (an invalid one is black: the palette must answer whatever it is handed). */
export function rgbaOf(color: string): Rgba {
  return parseCssColor(color) ?? BLACK;
}

function toLinear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function fromLinear(value: number): number {
  const c = value <= 0.0031308 ? value * 12.92 : 1.055 * value ** (1 / 2.4) - 0.055;
  return c * 255;
}

export function rgbToOklch({r, g, b}: Rgba): Oklch {
  const [lr, lg, lb] = [toLinear(r), toLinear(g), toLinear(b)];
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  const L = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  const A = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  const B = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  const hue = (Math.atan2(B, A) * 180) / Math.PI;
  return {l: L, c: Math.hypot(A, B), h: hue < 0 ? hue + 360 : hue};
}

export function oklchOf(color: string): Oklch {
  return rgbToOklch(rgbaOf(color));
}

/** Linear sRGB of an OKLCH colour, possibly outside 0..1 (out of gamut). */
function linearOf({l, c, h}: Oklch): [number, number, number] {
  const A = c * Math.cos((h * Math.PI) / 180);
  const B = c * Math.sin((h * Math.PI) / 180);
  const l3 = (l + 0.3963377774 * A + 0.2158037573 * B) ** 3;
  const m3 = (l - 0.1055613458 * A - 0.0638541728 * B) ** 3;
  const s3 = (l - 0.0894841775 * A - 1.291485548 * B) ** 3;
  return [
    4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3,
    -1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3,
    -0.0041960863 * l3 - 0.7034186147 * m3 + 1.707614701 * s3,
  ];
}

const EPSILON = 1e-6;

function inGamut(color: Oklch): boolean {
  return linearOf(color).every((value) => value >= -EPSILON && value <= 1 + EPSILON);
}

const hex2 = (value: number) =>
  Math.round(Math.min(255, Math.max(0, value)))
    .toString(16)
    .padStart(2, '0');

/**
 * The sRGB colour of (l, c, h) as `#rrggbb` (`#rrggbbaa` when `alpha` < 1): l clamped to 0..1, and c reduced as
 * little as needed to fit sRGB (binary search), so lightness and hue are kept.
 */
export function fromOklch(color: Oklch, alpha = 1): string {
  const l = Math.min(1, Math.max(0, color.l));
  let c = Math.max(0, color.c);
  if (!inGamut({l, c, h: color.h})) {
    let [low, high] = [0, c];
    for (let step = 0; step < 24; step++) {
      const middle = (low + high) / 2;
      if (inGamut({l, c: middle, h: color.h})) {
        low = middle;
      } else {
        high = middle;
      }
    }
    c = low;
  }
  const [r, g, b] = linearOf({l, c, h: color.h}).map(fromLinear);
  return `#${hex2(r)}${hex2(g)}${hex2(b)}${alpha < 1 ? hex2(alpha * 255) : ''}`.toUpperCase();
}

/** Whether two CSS colours are the same colour, whatever their syntax (`#fff`, `white`, `rgb(255 255 255)`). */
export function sameColor(a: string, b: string): boolean {
  const [x, y] = [rgbaOf(a), rgbaOf(b)];
  const near = (u: number, v: number) => Math.abs(u - v) < 0.5;
  return near(x.r, y.r) && near(x.g, y.g) && near(x.b, y.b) && Math.abs(x.a - y.a) < 0.002;
}
