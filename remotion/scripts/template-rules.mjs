#!/usr/bin/env node
/**
 * Answers questions about templates straight from the TypeScript source (template/template.ts, template/colors.ts
 * and the timing rule of timing/timeline.ts, transpiled with the esbuild that @remotion/bundler
 * brings). The template's shape reaches the server as JSON Schema (scripts/export-template-schema.mjs; that the
 * committed file is a fresh export is tests/test_template_schema.py's); what the server still writes in Python is
 * held to the TypeScript here: the color grammar (css_colors.py, the schema's `css-color` format), how jsonschema
 * reads each field's schema (template_validator.py), the resolver and the timing rule (templates.py). Reads one JSON
 * object on stdin, every key optional:
 *
 *   {"constants": true,                       -> the keys, choices, ranges, font families, tracks and defaults
 *    "colors": ["#fff", ...],                 -> whether each is a color (parseCssColor(value) !== null)
 *    "checks": [["intro.layout", value], ...] -> whether TEMPLATE_FIELDS' zod schema (AUDIO_FIELDS' for
 *                                                "audio.*") takes each value for that field
 *    "resolve": [[layer, ...], ...],          -> resolveTemplate(...layers) of each list
 *    "durations": [props, ...]}               -> calculateDuration(props) (props: a recap with its template)
 *
 * and prints one JSON object with the same keys answered.
 */
import {readFileSync} from 'node:fs';
import {loadSource} from './load-source.mjs';

const rules = await loadSource([
  "export * from './template/template';",
  "export {parseCssColor} from './template/colors';",
  "export {calculateDuration} from './timing/timeline';",
]);

/** @type {any} */
const FIELDS = {...rules.TEMPLATE_FIELDS, audio: rules.AUDIO_FIELDS};

/**
 * @param {unknown} node
 * @returns {boolean} whether `node` is one field's zod schema (not a group of fields)
 */
const isField = (node) => typeof (/** @type {any} */ (node)?.safeParse) === 'function';

/**
 * The check of a dotted field path (`global.colors.accent`, `intro.layout`): whether its zod schema takes a value.
 * @param {string} fieldPath
 * @returns {(value: unknown) => boolean}
 */
function checkOf(fieldPath) {
  const field = fieldPath.split('.').reduce((/** @type {any} */ node, key) => (node === undefined ? undefined : node[key]), FIELDS);
  if (!isField(field)) {
    throw new Error(`no check for ${fieldPath}`);
  }
  return (value) => rules.fieldAccepts(field, value);
}

/** @type {{constants?: boolean, colors?: unknown[], checks?: Array<[string, unknown]>, resolve?: unknown[][], durations?: any[]}} */
const query = JSON.parse(readFileSync(0, 'utf8'));
/** @type {Record<string, unknown>} */
const answer = {};
if (query.constants) {
  answer.constants = {
    COLOR_KEYS: rules.COLOR_KEYS,
    FONT_ROLES: rules.FONT_ROLES,
    SCENE_TIMING: Object.fromEntries(
      Object.entries(rules.SCENES).map(([scene, /** @type {any} */ {parts, total}]) => [scene, {parts, total}]),
    ),
    TIMING_KEYS: rules.TIMING_KEYS,
    TIMING_RANGE: rules.TIMING_RANGE,
    OVERLAP_RANGE: rules.OVERLAP_RANGE,
    LAYOUTS: {
      intro: rules.INTRO_LAYOUTS,
      bookReveal: rules.BOOK_LAYOUTS,
      statsReveal: rules.STATS_LAYOUTS,
      comingSoon: rules.COMING_SOON_LAYOUTS,
      outro: rules.OUTRO_LAYOUTS,
    },
    COVER_SIZES: rules.COVER_SIZES,
    ANIMATION_STYLES: rules.ANIMATION_STYLES,
    NUMBER_RANGES: rules.NUMBER_RANGES,
    MAX_CUSTOM_TEXT: rules.MAX_CUSTOM_TEXT,
    TEMPLATE_FONT_FAMILIES: rules.TEMPLATE_FONT_FAMILIES,
    AUDIO_TRACKS: rules.AUDIO_TRACKS,
    MAX_AUDIO_URL: rules.MAX_AUDIO_URL,
    BPM_RANGE: rules.BPM_RANGE,
    VOLUME_RANGE: rules.VOLUME_RANGE,
    DEFAULT_TEMPLATE: rules.DEFAULT_WIRE_TEMPLATE,
    FIELDS: Object.fromEntries(
      Object.entries(FIELDS).map(([section, fields]) => [
        section,
        Object.fromEntries(
          Object.entries(/** @type {any} */ (fields)).map(([name, field]) => [name, isField(field) ? null : Object.keys(field)]),
        ),
      ]),
    ),
  };
}
if (query.colors) {
  answer.colors = query.colors.map((value) => rules.parseCssColor(value) !== null);
}
if (query.checks) {
  answer.checks = query.checks.map(([fieldPath, value]) => checkOf(fieldPath)(value));
}
if (query.resolve) {
  answer.resolve = query.resolve.map((layers) => rules.resolveTemplate(...layers));
}
if (query.durations) {
  answer.durations = query.durations.map((props) => rules.calculateDuration(props));
}
process.stdout.write(`${JSON.stringify(answer)}\n`);
