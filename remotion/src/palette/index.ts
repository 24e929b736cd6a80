/**
 * The colour model of the video: contrast (WCAG 2.x), a tint per book, and the palette each scene draws with.
 * Pure functions of colours: no React, no Remotion, so the composition, the preview and Node scripts
 * (scripts/palette-report.mjs) all use the same code.
 *
 *   scenePalette(colors.background, colors)              a scene on the template's background
 *   scenePalette(bookTint(seed, colors), colors)         a book's scene, tinted from its cover's first colour
 *   placeholderSeed(title, colors)                       the seed of a book without a usable cover
 *
 * (`colors` is a resolved template's `global.colors`.) See docs/TEMPLATES.md, "Contrast", for the rules.
 */
export {contrastRatio, ensureContrast, GRAPHIC_CONTRAST, inkOn, relativeLuminance, TEXT_CONTRAST} from './contrast';
export {CONTRAST_RULES, contrastPairs, templateRoleColors} from './rules';
export type {ContrastPair, ContrastRule, PaletteRole, ScenePalette} from './rules';
export {scenePalette} from './scene';
export {bookTint, isDarkTemplate, placeholderPalette, placeholderSeed} from './tint';
export type {TemplateColors} from './tint';
