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
 * the palettes the server extracts from the fixture covers; `titles` asks for placeholderSeed(title) on every preset.
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
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
const entry = ["export * from './palette';", "export {resolveTemplate} from './template/template';"].join('\n');
const result = await build({
  stdin: {contents: entry, resolveDir: root, loader: 'ts'},
  bundle: true,
  format: 'esm',
  platform: 'node',
  write: false,
  logLevel: 'error',
});
const palette = await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);

/** @type {Record<string, string[]>} */
const AWKWARD = {
  'near-white': ['#F4F4F2'],
  'near-black': ['#0B0B0C'],
  'saturated red': ['#E10600'],
  'mid grey': ['#808080'],
};

/** @returns {{seeds?: Record<string, string[]>, titles?: string[]}} */
function readQuery() {
  if (process.stdin.isTTY) {
    return {};
  }
  const text = readFileSync(0, 'utf8').trim();
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

const query = readQuery();
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
process.stdout.write(`${JSON.stringify({rules: palette.CONTRAST_RULES, presets: presetReport, tints}, null, 1)}\n`);
