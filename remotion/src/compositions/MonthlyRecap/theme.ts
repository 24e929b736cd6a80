/**
 * One palette, one set of fonts and one set of margins for every scene, so the video reads as a single design. They
 * come from the template (template/template.ts): `themeOf` turns a resolved template into what the components
 * draw with, and `ThemeContext` hands it down the tree (its default is the default template: today's dark, flat
 * background, cheap to paint and high in contrast on phones, with a single warm accent).
 *
 * Which template color paints what:
 *   background           the frame              backgroundSecondary  cards and tiles
 *   backgroundTertiary   card borders, rules, the shelf board
 *   textPrimary          titles, numbers        textSecondary        authors, labels
 *   textMuted            small print ("/10", "CAWPILE", "not rated", "and N more", the outro's summary)
 *   accent               eyebrows, icons, rules, bars and progress    accentMuted  the empty part of bars (and the
 *                        colour empty stars start from: palette `starEmpty`, made to reach 3:1)
 *   accentSecondary      the intro's year and the outro's "see you" line
 *   completed / dnf      the COMPLETED / DNF badges and the stats' icons
 *   ratingHigh/Medium/Low  filled stars: average 7.5 and up / 5 and up / below 5
 *   overlay              the shade laid over pictures (the bands across the intro's book spines)
 *   grain                a fixed film grain over the whole frame (none when transparent)
 *
 * The palette itself comes from src/palette/ (`scenePalette`): the template's colours where they meet their
 * contrast rule on the background, adjusted in lightness where they do not (docs/TEMPLATES.md, "Contrast").
 */
import {createContext, useContext} from 'react';
import {type DesignFamilies, fontFamily} from '../../fonts/registry';
import {bookTint, inkOn, placeholderSeed, type ScenePalette, scenePalette} from '../../palette';
import {DEFAULT_TEMPLATE, type Template} from '../../template/template';
import {type Choreography, choreographyFor} from '../../timing/choreography';

/**
 * What a scene draws with: the template's colours on that scene's background, adjusted for contrast
 * (src/palette/rules.ts: ScenePalette, which documents each field).
 */
export type Palette = ScenePalette;

export {inkOn};

/** The palette of the scenes drawn on the template's own background (intro, stats, currently reading, outro). */
export function paletteOf(template: Template): Palette {
  return scenePalette(template.global.colors.background, template.global.colors);
}

/** The colour a book is known by: its cover's dominant colour, or one of its own derived from its title. */
export function bookSeed(book: {title: string; coverPalette?: readonly string[] | null}, template: Template): string {
  return book.coverPalette?.[0] ?? placeholderSeed(book.title, template.global.colors);
}

/** A book scene's palette: full-bleed in a tint of the book's own colour. */
export function bookPalette(book: {title: string; coverPalette?: readonly string[] | null}, template: Template): Palette {
  const colors = template.global.colors;
  return scenePalette(bookTint(bookSeed(book, template), colors), colors);
}

/** The color of filled stars for an average rating (0-10). */
export function ratingColor(colors: Palette, average: number): string {
  return average >= 7.5 ? colors.ratingHigh : average >= 5 ? colors.ratingMedium : colors.ratingLow;
}

export interface Theme {
  template: Template;
  /** The palette of the scene being drawn (ThemeContext is provided again, per scene, with its own). */
  colors: Palette;
  /** The template's families, first in each font stack. */
  families: DesignFamilies;
  /** CSS font-family values of the stacks for text without CJK (components with fixed English text use these). */
  fonts: {display: string; body: string; mono: string};
  cues: Choreography;
}

export function themeOf(template: Template): Theme {
  const families = {display: template.global.fonts.heading, body: template.global.fonts.body, mono: template.global.fonts.mono};
  return {
    template,
    colors: paletteOf(template),
    families,
    fonts: {
      display: fontFamily('display', null, families),
      body: fontFamily('body', null, families),
      mono: fontFamily('mono', null, families),
    },
    cues: choreographyFor(template),
  };
}

export const ThemeContext = createContext<Theme>(themeOf(DEFAULT_TEMPLATE));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** Where the scene being drawn leaves (relative to its first frame): its exit starts at `exitAt`, it ends at `end`. */
export interface SceneExit {
  exitAt: number;
  end: number;
}

export const SceneExitContext = createContext<SceneExit>({exitAt: Infinity, end: Infinity});

export const RADIUS = {card: 28, cover: 14, pill: 999} as const;
