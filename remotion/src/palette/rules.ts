/**
 * What must contrast with what, written once: each rule names a colour of the scene palette, the palette colours
 * it is drawn on, and the WCAG ratio it needs there. scenePalette makes colours that meet every rule, the tints
 * are fitted by them, and `contrastPairs` lists them with their ratios (scripts/palette-report.mjs prints those for
 * the tests, which recompute every ratio on their own).
 *
 * Text, and colours that are also read as text (accent: the eyebrows; accentSecondary: the intro's year), needs
 * 4.5:1 against the frame and the cards it sits on. Graphics that carry meaning (filled and empty stars, the
 * completed badge's fill, the DNF badge's outline) need 3:1 there; accent's bars and icons are covered by its 4.5.
 * The check mark and the word on the completed badge need 4.5:1 on its fill, and the accent bars 3:1 against the
 * track they grow along.
 */
import type {Template} from '../template/template';
import {contrastRatio, GRAPHIC_CONTRAST, inkOn, TEXT_CONTRAST} from './contrast';

/** Everything a scene draws with (the fields of theme.ts's Palette). */
export interface ScenePalette {
  /** The frame. */
  background: string;
  /** Cards and tiles. */
  surface: string;
  /** Card borders, rules, the shelf board (decoration: no contrast asked). */
  border: string;
  /** The empty part of bars. */
  track: string;
  /** Titles, numbers. */
  text: string;
  /** Authors, labels. */
  muted: string;
  /** Small print. */
  faint: string;
  /** Eyebrows, icons, rules, bars and progress. */
  accent: string;
  /** The intro's year, the outro's "see you" line. */
  accentSecondary: string;
  /** The COMPLETED badge's fill. */
  completed: string;
  /** Text and marks drawn on the `completed` color. */
  onCompleted: string;
  /** The DNF badge's outline. */
  dnf: string;
  ratingHigh: string;
  ratingMedium: string;
  ratingLow: string;
  /** The outline of empty stars and of the empty half of half stars. */
  starEmpty: string;
  /** The shade laid over pictures (decoration). */
  overlay: string;
  /** Film grain over the whole frame (decoration). */
  grain: string;
}

export type PaletteRole = keyof ScenePalette;

export interface ContrastRule {
  /** The colour drawn. */
  role: PaletteRole;
  /** What it is drawn on. */
  on: readonly PaletteRole[];
  min: number;
  /** Where it shows, for people reading a report. */
  what: string;
}

const GROUNDS = ['background', 'surface'] as const;

export const CONTRAST_RULES: readonly ContrastRule[] = [
  {role: 'text', on: GROUNDS, min: TEXT_CONTRAST, what: 'titles, numbers'},
  {role: 'muted', on: GROUNDS, min: TEXT_CONTRAST, what: 'authors, labels'},
  {role: 'faint', on: GROUNDS, min: TEXT_CONTRAST, what: 'small print'},
  {role: 'accent', on: GROUNDS, min: TEXT_CONTRAST, what: 'eyebrows (text); bars, icons, rules'},
  {role: 'accentSecondary', on: GROUNDS, min: TEXT_CONTRAST, what: "the intro's year, the outro's line (text)"},
  {role: 'ratingHigh', on: GROUNDS, min: GRAPHIC_CONTRAST, what: 'filled stars, 7.5 and up'},
  {role: 'ratingMedium', on: GROUNDS, min: GRAPHIC_CONTRAST, what: 'filled stars, 5 and up'},
  {role: 'ratingLow', on: GROUNDS, min: GRAPHIC_CONTRAST, what: 'filled stars, below 5'},
  {role: 'starEmpty', on: GROUNDS, min: GRAPHIC_CONTRAST, what: 'empty stars and half stars'},
  {role: 'completed', on: GROUNDS, min: GRAPHIC_CONTRAST, what: "the COMPLETED badge's fill, the stats' icon"},
  {role: 'dnf', on: GROUNDS, min: GRAPHIC_CONTRAST, what: "the DNF badge's outline, the stats' icon"},
  {role: 'onCompleted', on: ['completed'], min: TEXT_CONTRAST, what: 'the word and check mark on the COMPLETED badge'},
  {role: 'accent', on: ['track'], min: GRAPHIC_CONTRAST, what: 'bars against their track'},
];

/**
 * The palette a template's colours make as they are, with no adjustment (what the composition drew with before
 * the palette module: the empty stars in accentMuted, like the track).
 */
export function templateRoleColors(colors: Template['global']['colors']): ScenePalette {
  return {
    background: colors.background,
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
    starEmpty: colors.accentMuted,
    overlay: colors.overlay,
    grain: colors.grain,
  };
}

export interface ContrastPair {
  role: PaletteRole;
  foreground: string;
  on: PaletteRole;
  background: string;
  ratio: number;
  minimum: number;
}

/** Every (colour, what it is drawn on) pair of a palette that a rule covers, with its ratio and the minimum. */
export function contrastPairs(palette: ScenePalette): ContrastPair[] {
  return CONTRAST_RULES.flatMap((rule) =>
    rule.on.map((on) => ({
      role: rule.role,
      foreground: palette[rule.role],
      on,
      background: palette[on],
      ratio: contrastRatio(palette[rule.role], palette[on]),
      minimum: rule.min,
    })),
  );
}
