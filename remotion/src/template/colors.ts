/**
 * The CSS colors a template may use: a small grammar, checked the same way here and on the server (the template's JSON
 * Schema calls it `format: css-color`; tornado_render/validation/css_colors.py checks it there, and
 * tests/test_templates.py feeds both the same strings). Nothing else
 * ever reaches a style: no url(), var(), calc(), no `;`, no keywords that depend on context (currentcolor, inherit).
 *
 *   #rgb  #rgba  #rrggbb  #rrggbbaa
 *   rgb(r, g, b)  rgba(r, g, b, a)  rgb(r g b / a)       r, g, b all numbers 0-255 or all percentages 0-100 %
 *   hsl(h, s%, l%)  hsla(h, s%, l%, a)  hsl(h s% l% / a)   h 0-360 (optionally "deg"), s and l 0-100 %
 *   a named color (cssColors.json, and transparent)        alpha: a number 0-1 or a percentage 0-100 %
 *
 * Case does not matter; spaces around the value and its arguments do not either; at most 64 characters.
 */
import NAMED from './cssColors.json';

export const MAX_COLOR_LENGTH = 64;

const NAMED_COLORS: Record<string, string> = NAMED;
const NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/;
const FUNCTION = /^(rgba?|hsla?)\(([^()]*)\)$/;

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** A number token, or null; `suffix` ('%' or 'deg') is removed first when the token has it. */
function numberOf(token: string, suffix = ''): number | null {
  const body = suffix !== '' && token.endsWith(suffix) ? token.slice(0, -suffix.length) : token;
  return NUMBER.test(body) ? Number(body) : null;
}

function inRange(value: number | null, max: number): value is number {
  return value !== null && value >= 0 && value <= max;
}

function alphaOf(token: string | undefined): number | null {
  if (token === undefined) {
    return 1;
  }
  if (token.endsWith('%')) {
    const percent = numberOf(token, '%');
    return inRange(percent, 100) ? percent / 100 : null;
  }
  const value = numberOf(token);
  return inRange(value, 1) ? value : null;
}

/** The three components and the alpha of a functional color's arguments (comma or space syntax), or null. */
function argumentsOf(body: string): {values: string[]; alpha: string | undefined} | null {
  const token = /^\S+$/;
  if (body.includes(',')) {
    const parts = body.split(',').map((part) => part.trim());
    if ((parts.length !== 3 && parts.length !== 4) || !parts.every((part) => token.test(part))) {
      return null;
    }
    return {values: parts.slice(0, 3), alpha: parts[3]};
  }
  const halves = body.split('/');
  if (halves.length > 2) {
    return null;
  }
  const values = halves[0].trim().split(/\s+/);
  const alpha = halves.length === 2 ? halves[1].trim() : undefined;
  if (values.length !== 3 || (alpha !== undefined && !token.test(alpha))) {
    return null;
  }
  return {values, alpha};
}

function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const s = saturation / 100;
  const l = lightness / 100;
  const k = (n: number) => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [f(0) * 255, f(8) * 255, f(4) * 255];
}

function hexToRgba(hex: string): Rgba {
  const digits = hex.slice(1);
  const full = digits.length <= 4 ? [...digits].map((digit) => digit + digit).join('') : digits;
  const channel = (index: number) => parseInt(full.slice(index * 2, index * 2 + 2), 16);
  return {r: channel(0), g: channel(1), b: channel(2), a: full.length === 8 ? channel(3) / 255 : 1};
}

/** The color `value` stands for, or null when it is not a color of the grammar above. */
export function parseCssColor(value: unknown): Rgba | null {
  if (typeof value !== 'string' || value.length > MAX_COLOR_LENGTH) {
    return null;
  }
  const text = value.trim().toLowerCase();
  if (HEX.test(text)) {
    return hexToRgba(text);
  }
  if (Object.prototype.hasOwnProperty.call(NAMED_COLORS, text)) {
    return hexToRgba(NAMED_COLORS[text]);
  }
  const match = FUNCTION.exec(text);
  if (match === null) {
    return null;
  }
  const args = argumentsOf(match[2].trim());
  if (args === null) {
    return null;
  }
  const alpha = alphaOf(args.alpha);
  if (alpha === null) {
    return null;
  }
  if (match[1].startsWith('rgb')) {
    const percent = args.values.every((token) => token.endsWith('%'));
    const numbers = args.values.map((token) => numberOf(token, percent ? '%' : ''));
    if (!numbers.every((number) => inRange(number, percent ? 100 : 255))) {
      return null;
    }
    const [r, g, b] = (numbers as number[]).map((number) => (percent ? (number * 255) / 100 : number));
    return {r, g, b, a: alpha};
  }
  const [hueToken, saturationToken, lightnessToken] = args.values;
  const hue = numberOf(hueToken, 'deg');
  const saturation = saturationToken.endsWith('%') ? numberOf(saturationToken, '%') : null;
  const lightness = lightnessToken.endsWith('%') ? numberOf(lightnessToken, '%') : null;
  if (!inRange(hue, 360) || !inRange(saturation, 100) || !inRange(lightness, 100)) {
    return null;
  }
  const [r, g, b] = hslToRgb(hue, saturation, lightness);
  return {r, g, b, a: alpha};
}

export function isCssColor(value: unknown): value is string {
  return parseCssColor(value) !== null;
}

/** WCAG relative luminance (0 black .. 1 white) of a valid color, its alpha ignored. */
export function luminance(color: string): number {
  const rgba = parseCssColor(color) ?? {r: 0, g: 0, b: 0, a: 1};
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(rgba.r) + 0.7152 * linear(rgba.g) + 0.0722 * linear(rgba.b);
}

/** Whether a color draws nothing (alpha 0), so a layer in it can be left out entirely. */
export function isInvisible(color: string): boolean {
  return (parseCssColor(color)?.a ?? 0) === 0;
}
