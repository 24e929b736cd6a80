/**
 * A colour per book: the full-bleed background of a book's scene, tinted from a seed colour (the cover's dominant
 * colour, which the server extracts, or a placeholder's own colour), in the manner of the template.
 *
 * Tint. A dark template (one whose background wants light text) gets a deep tint of the seed's hue, a light one a
 * pale tint; the chroma is limited, so a saturated red cover gives a deep wine or a blush rather than a red the
 * text would fight with, and a near-grey seed (a black, white or grey cover) stays near-grey instead of getting a
 * hue it does not have. Then the tint is fitted to the template (`fitTint`): every template colour that passes its
 * contrast on the template's own background must pass on the tint too, so the tint is moved in lightness (toward
 * the template's dark or light end) until it does. A tint that would break contrast is adjusted, never used as is.
 *
 * Placeholder seeds. A book without a usable cover gets a colour of its own, chosen by a stable hash of its title
 * from a small palette that suits the template: jewel tones on dark templates, earthy pastels on light ones, and
 * louder sets for high-contrast templates (text at 19:1 or more on the background, like `bold`).
 */
import type {Template} from '../template/template';
import {contrastRatio, isDark, sameStep} from './contrast';
import {fromOklch, oklchOf} from './oklch';
import {CONTRAST_RULES, templateRoleColors} from './rules';

export type TemplateColors = Template['global']['colors'];

/** Below this OKLCH chroma a seed counts as grey (black, white and grey covers, slightly warm or cool). */
const GREY_CHROMA = 0.035;
/** Lightness and the most chroma of a tint: deep on dark templates, pale on light ones. */
const DARK_TINT = {l: 0.3, c: 0.085, greyC: 0.012} as const;
const LIGHT_TINT = {l: 0.94, c: 0.035, greyC: 0.008} as const;
/** Text this much stronger than the background makes a template "high contrast" (bold: 21:1). */
const HIGH_CONTRAST = 19;

/** Whether the template draws light things on a dark background. */
export function isDarkTemplate(colors: TemplateColors): boolean {
  return isDark(colors.background);
}

export function isHighContrastTemplate(colors: TemplateColors): boolean {
  return contrastRatio(colors.textPrimary, colors.background) >= HIGH_CONTRAST;
}

/**
 * What a tint must keep: each template colour drawn on the background or a card, with the ratio its rule asks,
 * wherever it passes on the template's own background or card. (The ones that fail there are adjusted on every
 * background alike, by scenePalette; starEmpty is made for each background anyway, from the track.)
 */
function passingOnTemplate(colors: TemplateColors): Array<{color: string; on: 'background' | 'surface'; min: number}> {
  const roles = templateRoleColors(colors);
  return CONTRAST_RULES.filter((rule) => rule.role !== 'starEmpty').flatMap((rule) =>
    (['background', 'surface'] as const)
      .filter((on) => rule.on.includes(on) && contrastRatio(roles[rule.role], roles[on]) >= rule.min)
      .map((on) => ({color: roles[rule.role], on, min: rule.min})),
  );
}

/**
 * `tint` moved in lightness (keeping its hue) toward the template's end (black for a dark template, white for a
 * light one) until every template colour that passes on the template's background and card passes on it and on
 * the card made from it (`sameStep`): `tint` itself when they already do; the end colour when nothing short of it
 * does.
 */
export function fitTint(tint: string, colors: TemplateColors): string {
  const required = passingOnTemplate(colors);
  const fits = (candidate: string) => {
    const grounds = {background: candidate, surface: sameStep(colors.backgroundSecondary, colors.background, candidate)};
    return required.every(({color, on, min}) => contrastRatio(color, grounds[on]) >= min);
  };
  if (fits(tint)) {
    return tint;
  }
  const {l, c, h} = oklchOf(tint);
  const end = isDarkTemplate(colors) ? 0 : 1;
  const steps = Math.ceil(Math.abs(end - l) / 0.005);
  for (let step = 1; step <= steps; step++) {
    const candidate = fromOklch({l: l + ((end - l) * step) / steps, c, h});
    if (fits(candidate)) {
      return candidate;
    }
  }
  return fromOklch({l: end, c: 0, h});
}

/**
 * The full-bleed background of a book's scene made from `seed` (a cover's dominant colour, or `placeholderSeed`'s)
 * for a template's colours: a deep tint of the seed's hue on a dark template, a pale one on a light template, grey
 * for a grey seed, fitted so the template's colours keep their contrast on it.
 */
export function bookTint(seed: string, colors: TemplateColors): string {
  const {c, h} = oklchOf(seed);
  const style = isDarkTemplate(colors) ? DARK_TINT : LIGHT_TINT;
  const chroma = c < GREY_CHROMA ? Math.min(c, style.greyC) : Math.min(c, style.c);
  return fitTint(fromOklch({l: style.l, c: chroma, h}), colors);
}

/** Jewel tones for dark templates: emerald, sapphire, amethyst, ruby, amber, teal, indigo, garnet. */
const JEWEL = ['#2E7D5B', '#2F5DA8', '#7A3FA0', '#A8324A', '#C07A1E', '#1F8A8A', '#4B4FB5', '#9C3D7A'] as const;
/** Earthy pastels for light templates: terracotta, sage, ochre, dusty blue, plum, clay, moss, rose. */
const EARTHY = ['#C4643F', '#8FA98B', '#C99A2E', '#7A9CC6', '#A0678F', '#B98B6E', '#6F7F4A', '#D9A5A0'] as const;
/** Loud sets for high-contrast templates, on dark and on light backgrounds. */
const VIVID_ON_DARK = ['#FF3D7F', '#00B8FF', '#FFE600', '#00E676', '#FF6D00', '#B388FF', '#FF1744', '#1DE9B6'] as const;
const VIVID_ON_LIGHT = ['#D50032', '#0050D0', '#007A3D', '#7B1FA2', '#E65100', '#00838F', '#C51162', '#283593'] as const;

/** The colours placeholders are given for this template (see placeholderSeed). */
export function placeholderPalette(colors: TemplateColors): readonly string[] {
  const dark = isDarkTemplate(colors);
  if (isHighContrastTemplate(colors)) {
    return dark ? VIVID_ON_DARK : VIVID_ON_LIGHT;
  }
  return dark ? JEWEL : EARTHY;
}

/** FNV-1a over the UTF-16 code units: stable across runs, machines and JavaScript engines. */
export function titleHash(title: string): number {
  let hash = 2166136261;
  for (let index = 0; index < title.length; index++) {
    hash = Math.imul(hash ^ title.charCodeAt(index), 16777619);
  }
  return hash >>> 0;
}

/** A placeholder's own colour: one of the template's placeholder palette, by the title's hash. */
export function placeholderSeed(title: string, colors: TemplateColors): string {
  const palette = placeholderPalette(colors);
  return palette[titleHash(title) % palette.length];
}
