/** The shapes shared by the font registry (fonts.ts), its generated face list and the text fitting. */

/** The video's four text styles: display (Fraunces-led, bold), its italic, body (Inter-led, medium) and bold body. */
export type FontKey = 'display' | 'displayItalic' | 'body' | 'bodyBold';

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
