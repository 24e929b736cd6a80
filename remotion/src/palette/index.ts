/**
 * STUB (replaced by the palette branch): the colours a scene draws with on a given background. Same API as the
 * real module: `scenePalette(background, colors)`, `bookTint(seed, colors)`, `placeholderSeed(title, colors)`.
 */
import {luminance, parseCssColor} from '../template/colors';
import type {Template} from '../template/template';

type Colors = Template['global']['colors'];

export interface ScenePalette {
  background: string;
  surface: string;
  border: string;
  track: string;
  text: string;
  muted: string;
  faint: string;
  accent: string;
  accentSecondary: string;
  completed: string;
  onCompleted: string;
  dnf: string;
  ratingHigh: string;
  ratingMedium: string;
  ratingLow: string;
  starEmpty: string;
  overlay: string;
  grain: string;
}

const DARK_INK = '#1B1407';

function inkOn(color: string): string {
  return luminance(color) > 0.197 ? DARK_INK : '#FFFFFF';
}

export function scenePalette(background: string, colors: Colors): ScenePalette {
  return {
    background,
    surface: colors.backgroundSecondary,
    border: colors.backgroundTertiary,
    track: colors.accentMuted,
    text: colors.textPrimary,
    muted: colors.textSecondary,
    faint: colors.textMuted,
    accent: colors.accent,
    accentSecondary: colors.accentSecondary,
    completed: colors.completed,
    onCompleted: inkOn(colors.completed),
    dnf: colors.dnf,
    ratingHigh: colors.ratingHigh,
    ratingMedium: colors.ratingMedium,
    ratingLow: colors.ratingLow,
    starEmpty: colors.textMuted,
    overlay: colors.overlay,
    grain: colors.grain,
  };
}

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('')}`;
}

export function bookTint(seed: string, colors: Colors): string {
  const s = parseCssColor(seed);
  const bg = parseCssColor(colors.background);
  if (s === null || bg === null) {
    return colors.background;
  }
  const dark = luminance(colors.background) < 0.2;
  const mix = dark ? 0.3 : 0.18;
  return hex(bg.r + (s.r - bg.r) * mix, bg.g + (s.g - bg.g) * mix, bg.b + (s.b - bg.b) * mix);
}

export function placeholderSeed(title: string, colors: Colors): string {
  let hash = 2166136261;
  for (let index = 0; index < title.length; index++) {
    hash = Math.imul(hash ^ title.charCodeAt(index), 16777619);
  }
  const hue = (hash >>> 0) % 360;
  return luminance(colors.background) < 0.2 ? `hsl(${hue}, 45%, 42%)` : `hsl(${hue}, 40%, 62%)`;
}
