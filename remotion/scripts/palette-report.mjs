#!/usr/bin/env node
/**
 * Prints, as JSON, every contrast pair the video's colour model (src/palette/, transpiled with the esbuild that
 * @remotion/bundler brings, like template-rules.mjs) makes: for every preset (src/template/presets/*.json), and for
 * the book tints made from a set of awkward seeds on every preset, each (role, foreground, background, ratio,
 * minimum) pair of the rules in src/palette/rules.ts. tests/test_palette.py recomputes every ratio on its own.
 *
 *   node scripts/palette-report.mjs [< {"seeds": {"label": ["#rrggbb", ...], ...}, "titles": ["Dune", ...]}]
 *
 * The seeds always include near-white #F4F4F2, near-black #0B0B0C, saturated red #E10600 and mid grey #808080,
 * and each preset's placeholder palette (on that preset); stdin (when it is not a terminal) may add more, such as
 * the palettes the server extracts from the fixture covers; `titles` asks for placeholderSeed(title) on every preset;
 * `images` ([{width, height, rgba}], the pixels in base64) asks for the browser's reading of their colours
 * (src/palette/coverColors.ts), answered as `coverColors`.
 * Output:
 *
 *   {"rules": [...],
 *    "presets": {"<id>": {"colors": {...}, "placeholderPalette": [...], "placeholderSeeds": {"<title>": seed},
 *                         "asIs": {"palette", "pairs", "worst"},      the template's colours as they are
 *                         "scene": {"palette", "pairs", "worst"}}},   scenePalette(colors.background, colors)
 *    "tints": [{"preset", "label", "seed", "tint", "palette", "pairs", "worst"}, ...]}
 *                                                                     scenePalette(bookTint(seed, colors), colors)
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {loadSource, SRC as root} from './load-source.mjs';

const palette = await loadSource([
  "export * from './palette';",
  "export {dominantColors} from './palette/coverColors';",
  "export {resolveTemplate} from './template/template';",
]);

/** @type {Record<string, string[]>} */
const AWKWARD = {
  'near-white': ['#F4F4F2'],
  'near-black': ['#0B0B0C'],
  'saturated red': ['#E10600'],
  'mid grey': ['#808080'],
};

/** @returns {Promise<{seeds?: Record<string, string[]>, titles?: string[], images?: Array<{width: number, height: number, rgba: string}>}>} */
async function readQuery() {
  if (process.stdin.isTTY) {
    return {};
  }
  // Streamed: a query with images is tens of megabytes, more than one synchronous read of a pipe returns.
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text === '' ? {} : JSON.parse(text);
}

/**
 * A palette with its pairs and its worst pair (the lowest ratio over its minimum).
 * @param {Record<string, string>} colors
 */
function described(colors) {
  /** @type {Array<{role: string, foreground: string, on: string, background: string, ratio: number, minimum: number}>} */
  const pairs = palette.contrastPairs(colors).map((/** @type {any} */ pair) => ({...pair, ratio: Math.round(pair.ratio * 1000) / 1000}));
  const worst = pairs.reduce((low, pair) => (pair.ratio / pair.minimum < low.ratio / low.minimum ? pair : low));
  return {palette: colors, pairs, worst};
}

const presetsDir = path.join(root, 'template', 'presets');
const presets = readdirSync(presetsDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => {
    const preset = JSON.parse(readFileSync(path.join(presetsDir, name), 'utf8'));
    return {id: name.replace(/\.json$/, ''), colors: palette.resolveTemplate(preset.template).global.colors};
  });

const query = await readQuery();
const seeds = {...AWKWARD, ...(query.seeds ?? {})};
/** @type {Record<string, unknown>} */
const presetReport = {};
/** @type {unknown[]} */
const tints = [];
for (const {id, colors} of presets) {
  const placeholders = palette.placeholderPalette(colors);
  presetReport[id] = {
    colors,
    placeholderPalette: placeholders,
    placeholderSeeds: Object.fromEntries((query.titles ?? []).map((title) => [title, palette.placeholderSeed(title, colors)])),
    asIs: described(palette.templateRoleColors(colors)),
    scene: described(palette.scenePalette(colors.background, colors)),
  };
  const labelled = [...Object.entries(seeds), [`placeholders of ${id}`, placeholders]];
  for (const [label, list] of labelled) {
    for (const seed of list) {
      const tint = palette.bookTint(seed, colors);
      tints.push({preset: id, label, seed, tint, ...described(palette.scenePalette(tint, colors))});
    }
  }
}
// The browser's reading of a cover's colours (palette/coverColors.ts) of each image given as base64 RGBA pixels.
const coverColors = (query.images ?? []).map(({width, height, rgba}) =>
  palette.dominantColors(Buffer.from(rgba, 'base64'), width, height),
);
process.stdout.write(`${JSON.stringify({rules: palette.CONTRAST_RULES, presets: presetReport, tints, coverColors}, null, 1)}\n`);
