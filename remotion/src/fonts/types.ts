/** The shapes shared by the font registry (registry.ts), its generated face list and the text fitting. */

/**
 * The video's text styles: display (the heading family, bold: Fraunces by default), its italic, body (the body
 * family, medium: Inter), bold body, and mono (the mono family, bold: tabular figures, Inter by default).
 */
export type FontKey = 'display' | 'displayItalic' | 'body' | 'bodyBold' | 'mono';

/**
 * One font file: [family, subset ("latin", "cyrillic", "12" for a numbered CJK slice...), weight (or "min max" for a
 * variable file), style, url, unicode-range].
 */
export type FaceSource = readonly [
  family: string,
  subset: string,
  weight: string,
  style: string,
  url: string,
  unicodeRange: string,
];

/** The first family of each stack: the template's heading, body and mono families. */
export interface DesignFamilies {
  display: string;
  body: string;
  mono: string;
}

/** Today's design: Fraunces titles, Inter text, Inter's tabular figures. */
export const DEFAULT_FAMILIES: DesignFamilies = {display: 'Fraunces', body: 'Inter', mono: 'Inter'};
