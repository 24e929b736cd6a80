/**
 * The one definition of a template: how a reader styles their recap video (colors, fonts, timing, and each
 * scene's layout and options), as the reading tracker sends it with a render request.
 *
 * A template arrives partial; `resolveTemplate` lays its layers over the defaults (presets/default.json, which is
 * today's dark design exactly) field by field and returns a complete `WireTemplate`. Each field's shape is a zod schema
 * (TEMPLATE_FIELDS), and the whole of what a client sends is TEMPLATE_INPUT, which scripts/export-template-schema.mjs
 * writes as JSON Schema for the server (tornado_render/template.schema.json: it validates requests with it). The
 * server resolves the same way (tornado_render/templates.py) and hands the composition the complete result;
 * tests/test_templates.py runs both resolvers on the same inputs. The
 * composition and the browser preview resolve again, which changes nothing for a complete template and makes
 * anything else safe: a value of the wrong type or shape is ignored, never drawn.
 *
 * Two shapes, one vocabulary. The wire (what a client sends, the JSON Schema, the presets, `resolveTemplate`) keeps
 * the reading tracker's section keys (`bookReveal`, `statsReveal`); the composition speaks only the scenes' names
 * (`Template`: `book`, `stats`). `sceneTemplate` is the one place that turns the one into the other, by SCENES.
 *
 * Timing, in frames at 30 fps. Each scene has parts and a total (intro: fadeIn, hold, fadeOut, total). The parts
 * are laid end to end; a scene lasts its total, or the sum of its parts when that is longer, so a template that
 * sets only `introHold` lengthens the intro, and one that sets only `introTotal` lengthens its hold. The server
 * refuses a total smaller than its parts. Entrance parts (fadeIn, slideIn, titleType, ratingCount, countUp) stretch
 * the scene's entrances (choreography.ts); the fadeOut/exit part is the exit fade. `transitionOverlap` starts each
 * scene that many frames before the previous one ends, so their fades cross.
 *
 * Audio. `audio` is the soundtrack: a bundled bed (`{track, volume}`, src/audio/beds.json), a track from a URL
 * (`{url, bpm, volume}`; bpm null when its tempo is unknown), or null for silence. Unlike the sections, it is not
 * merged field by field: a layer's `null` silences; an object with `track` or `url` replaces the source as a whole
 * (its volume defaults to 1); `volume` alone keeps the source and changes its volume (0..1; 0 is silence).
 */
import BEDS_MANIFEST from '../audio/beds.json';
import DEFAULT_PRESET from './presets/default.json';
import {z} from 'zod';
import {isCssColor, MAX_COLOR_LENGTH} from './colors';

export const COLOR_KEYS = [
  'background',
  'backgroundSecondary',
  'backgroundTertiary',
  'textPrimary',
  'textSecondary',
  'textMuted',
  'accent',
  'accentSecondary',
  'accentMuted',
  'completed',
  'dnf',
  'ratingHigh',
  'ratingMedium',
  'ratingLow',
  'overlay',
  'grain',
] as const;

export const FONT_ROLES = ['heading', 'body', 'mono'] as const;

/**
 * The scenes of the video, by their one name (intro, book, stats, comingSoon, outro): the wire section that holds
 * each one's options (the reading tracker's key: `bookReveal`, `statsReveal`), and its timing parts, in the order
 * they are laid out, and its total. The section is read only where the wire is (`sceneTemplate`, the JSON Schema's
 * `x-scene`, which the server goes by); past that, a scene's options are `Template[scene]`.
 */
export const SCENES = {
  intro: {section: 'intro', parts: ['introFadeIn', 'introHold', 'introFadeOut'], total: 'introTotal'},
  book: {
    section: 'bookReveal',
    parts: ['bookSlideIn', 'bookTitleType', 'bookRatingCount', 'bookHold', 'bookExit'],
    total: 'bookTotal',
  },
  stats: {section: 'statsReveal', parts: ['statsCountUp', 'statsHold', 'statsFadeOut'], total: 'statsTotal'},
  comingSoon: {
    section: 'comingSoon',
    parts: ['comingSoonFadeIn', 'comingSoonHold', 'comingSoonFadeOut'],
    total: 'comingSoonTotal',
  },
  outro: {section: 'outro', parts: ['outroFadeIn', 'outroHold', 'outroFadeOut'], total: 'outroTotal'},
} as const;
export type SceneName = keyof typeof SCENES;
export const SCENE_NAMES = Object.keys(SCENES) as SceneName[];

export type TimingKey =
  | (typeof SCENES)[SceneName]['parts'][number]
  | (typeof SCENES)[SceneName]['total']
  | 'transitionOverlap';
export const TIMING_KEYS: readonly TimingKey[] = [
  ...Object.values(SCENES).flatMap(({parts, total}) => [...parts, total]),
  'transitionOverlap',
];

/** Frames a timing value may be (transitionOverlap may also be 0: no overlap). */
export const TIMING_RANGE = {min: 1, max: 600} as const;
export const OVERLAP_RANGE = {min: 0, max: 600} as const;

export const INTRO_LAYOUTS = ['centered', 'split', 'minimal'] as const;
export const BOOK_LAYOUTS = ['sequential', 'grid', 'carousel'] as const;
export const STATS_LAYOUTS = ['stacked', 'horizontal', 'minimal'] as const;
export const COMING_SOON_LAYOUTS = ['list', 'grid', 'single'] as const;
export const OUTRO_LAYOUTS = ['centered', 'minimal', 'branded'] as const;
export const COVER_SIZES = ['small', 'medium', 'large'] as const;
export const ANIMATION_STYLES = ['slide', 'fade', 'pop'] as const;

/** Inclusive ranges of the numeric options besides timing. */
export const NUMBER_RANGES = {
  titleFontSize: {min: 24, max: 400, integer: false},
  subtitleFontSize: {min: 16, max: 300, integer: false},
  maxBooks: {min: 0, max: 6, integer: true},
} as const;

export const MAX_CUSTOM_TEXT = 200;

/** The bundled soundtrack beds a template may name (src/audio/beds.json, made by scripts/make-beds.mjs). */
export const AUDIO_TRACKS: readonly string[] = BEDS_MANIFEST.beds.map((bed) => bed.id);
/** A URL track's limits: http or https, at most this many characters (UTF-16 code units), no control characters. */
export const MAX_AUDIO_URL = 2048;
export const MAX_TRACK_ID = 64;
export const BPM_RANGE = {min: 40, max: 240} as const;
export const VOLUME_RANGE = {min: 0, max: 1} as const;

/**
 * The font families a template may name: the bundled families that draw Latin text in every style the video uses
 * (fonts/registry.ts loads them; the server lists them in its 400 answer). Kept here, beside the checks, and tested against
 * the bundled faces.
 */
export const TEMPLATE_FONT_FAMILIES = ['Fraunces', 'Inter', 'JetBrains Mono'] as const;

// Patterns are written for JSON Schema too (ECMA-262 without flags, read by Python's `re` on the server):
// `(?![\s\S])` is the end of the text in both (Python's `$` would also match before a final newline).
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*(?![\s\S])/;
// http(s), a host; the server fetches it (under the cover rules) or says why not.
const AUDIO_URL = /^[hH][tT][tT][pP][sS]?:\/\/[^/?# ]+/;

/**
 * Text of at most `max` UTF-16 code units (a JavaScript string's length, what the composition lays out). zod counts
 * code points; the JSON Schema says `maxLength`, which the server counts in UTF-16 code units too.
 */
const text = (max: number) => z.string().max(max).refine((value) => value.length <= max);
const numberIn = ({min, max, integer}: {min: number; max: number; integer: boolean}) =>
  (integer ? z.number().int() : z.number()).min(min).max(max);
const frames = (range: {min: number; max: number}) =>
  z.number().int().min(range.min).max(range.max).meta({description: 'frames at 30 fps'});
const COLOR = text(MAX_COLOR_LENGTH)
  .refine(isCssColor)
  .meta({
    format: 'css-color',
    description:
      'a CSS color: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb()/rgba()/hsl()/hsla() with numbers in range, or a color name',
  });

/** The same field schema for every key of a list. */
function each<K extends string, S extends z.ZodType>(keys: readonly K[], field: (key: K) => S): Record<K, S> {
  return Object.fromEntries(keys.map((key) => [key, field(key)])) as Record<K, S>;
}

/**
 * Every field of a template and the schema of its value, section by section (the wire's keys): the one definition
 * of the template's shape. The composition's resolver takes a field's value when its schema does;
 * scripts/export-template-schema.mjs writes it out as JSON Schema (tornado_render/template.schema.json), which the
 * server validates requests with.
 */
export const TEMPLATE_FIELDS = {
  global: {
    colors: each(COLOR_KEYS, () => COLOR),
    fonts: each(FONT_ROLES, () => z.enum(TEMPLATE_FONT_FAMILIES)),
    timing: each(TIMING_KEYS, (key) => frames(key === 'transitionOverlap' ? OVERLAP_RANGE : TIMING_RANGE)),
  },
  intro: {
    layout: z.enum(INTRO_LAYOUTS),
    titleFontSize: numberIn(NUMBER_RANGES.titleFontSize),
    subtitleFontSize: numberIn(NUMBER_RANGES.subtitleFontSize),
    showYear: z.boolean(),
  },
  bookReveal: {
    layout: z.enum(BOOK_LAYOUTS),
    showRatings: z.boolean(),
    showAuthors: z.boolean(),
    coverSize: z.enum(COVER_SIZES),
    animationStyle: z.enum(ANIMATION_STYLES),
  },
  statsReveal: {
    layout: z.enum(STATS_LAYOUTS),
    showTotalBooks: z.boolean(),
    showTotalPages: z.boolean(),
    showAverageRating: z.boolean(),
    showTopBook: z.boolean(),
    animateNumbers: z.boolean(),
  },
  comingSoon: {layout: z.enum(COMING_SOON_LAYOUTS), showProgress: z.boolean(), maxBooks: numberIn(NUMBER_RANGES.maxBooks)},
  outro: {
    layout: z.enum(OUTRO_LAYOUTS),
    showBranding: z.boolean(),
    customText: text(MAX_CUSTOM_TEXT).regex(NO_CONTROL_CHARACTERS).nullable(),
  },
} as const;

/** Each field of `audio` and its schema (see `resolveAudio` for how they combine). */
export const AUDIO_FIELDS = {
  // The schema takes any short name; the bundled beds are checked apart (the server names them in its answer).
  track: text(MAX_TRACK_ID).refine((track) => AUDIO_TRACKS.includes(track)).meta({
    description: 'a bundled bed: GET /templates lists them',
  }),
  url: text(MAX_AUDIO_URL).regex(NO_CONTROL_CHARACTERS).regex(AUDIO_URL).meta({
    description: 'an MP3, AAC, OGG, WAV or FLAC file, at most 10 minutes',
  }),
  bpm: z.number().min(BPM_RANGE.min).max(BPM_RANGE.max).nullable().meta({
    description: "the url track's tempo in beats per minute; null or absent: unknown",
  }),
  volume: z.number().min(VOLUME_RANGE.min).max(VOLUME_RANGE.max).meta({description: '0 (silent) to 1 (-14 LUFS)'}),
} as const;

type Fields = Record<string, z.ZodType>;
type Complete<F extends Fields> = {-readonly [K in keyof F]: z.output<F[K]>};

/** The soundtrack: a bundled bed, or a track from a URL with its tempo (null: unknown). */
export type TemplateAudio = {track: string; volume: number} | {url: string; bpm: number | null; volume: number};

/** The colors, fonts and timing of a complete template (the same on the wire and in the composition). */
export type TemplateGlobal = {
  [K in keyof (typeof TEMPLATE_FIELDS)['global']]: Complete<(typeof TEMPLATE_FIELDS)['global'][K]>;
};

/** A complete template in the wire's keys: what `resolveTemplate` returns, the server resolves and the presets hold. */
export interface WireTemplate {
  global: TemplateGlobal;
  intro: Complete<(typeof TEMPLATE_FIELDS)['intro']>;
  bookReveal: Complete<(typeof TEMPLATE_FIELDS)['bookReveal']>;
  statsReveal: Complete<(typeof TEMPLATE_FIELDS)['statsReveal']>;
  comingSoon: Complete<(typeof TEMPLATE_FIELDS)['comingSoon']>;
  outro: Complete<(typeof TEMPLATE_FIELDS)['outro']>;
  audio: TemplateAudio | null;
}

/** Each scene's options under the scene's name (SCENES says which wire section holds them). */
type SceneOptions = {[S in SceneName]: WireTemplate[(typeof SCENES)[S]['section']]};

/** A complete template as the composition draws it: a scene's options are `template[scene]` (see `sceneTemplate`). */
export interface Template extends SceneOptions {
  global: TemplateGlobal;
  audio: TemplateAudio | null;
}
export type ColorKey = keyof TemplateGlobal['colors'];
export type FontRole = keyof TemplateGlobal['fonts'];

type DeepPartial<T> = {[K in keyof T]?: T[K] extends Record<string, unknown> ? DeepPartial<T[K]> : T[K]};
/** What a client sends: any part of a WireTemplate (unknown keys are ignored). */
export type TemplateInput = DeepPartial<WireTemplate>;

/** A section of what a client sends: every field optional, unknown keys kept (the server names them, ignored). */
const partial = (fields: Fields, meta: Record<string, unknown>) => z.looseObject(fields).partial().meta(meta);

const SCENE_OF_SECTION = Object.fromEntries(Object.entries(SCENES).map(([scene, {section}]) => [section, scene]));
/** The JSON Schema annotation of a scene's section: its scene name and timing (the server reads them). */
const sceneMeta = (section: string) => {
  const scene = SCENE_OF_SECTION[section] as SceneName;
  return {'x-scene': scene, 'x-timing': {parts: SCENES[scene].parts, total: SCENES[scene].total}};
};

/**
 * What a client sends, as one schema: any part of a WireTemplate, unknown keys allowed (and ignored). Its JSON Schema
 * (component names from `id`) is what the server validates with and what its OpenAPI document describes.
 */
export const TEMPLATE_INPUT = z
  .looseObject({
    global: partial(
      {
        colors: partial(TEMPLATE_FIELDS.global.colors, {id: 'TemplateColors'}),
        fonts: partial(TEMPLATE_FIELDS.global.fonts, {id: 'TemplateFonts'}),
        timing: partial(TEMPLATE_FIELDS.global.timing, {id: 'TemplateTiming'}),
      },
      {id: 'TemplateGlobal'},
    ),
    intro: partial(TEMPLATE_FIELDS.intro, {id: 'IntroTemplate', ...sceneMeta('intro')}),
    bookReveal: partial(TEMPLATE_FIELDS.bookReveal, {id: 'BookRevealTemplate', ...sceneMeta('bookReveal')}),
    statsReveal: partial(TEMPLATE_FIELDS.statsReveal, {id: 'StatsRevealTemplate', ...sceneMeta('statsReveal')}),
    comingSoon: partial(TEMPLATE_FIELDS.comingSoon, {id: 'ComingSoonTemplate', ...sceneMeta('comingSoon')}),
    outro: partial(TEMPLATE_FIELDS.outro, {id: 'OutroTemplate', ...sceneMeta('outro')}),
    audio: partial(AUDIO_FIELDS, {
      id: 'AudioTemplate',
      description: 'the soundtrack: a bundled `track` or a `url` (with its `bpm`), and a `volume`',
      // What resolveAudio ignores, said in JSON Schema (zod's own checks do not export): not a track and a url
      // together, no bpm without a url.
      not: {required: ['track', 'url']},
      dependentRequired: {bpm: ['url']},
    }).nullable(),
  })
  .partial()
  .meta({id: 'Template', description: 'How the video looks; every field optional, unknown keys ignored'});

/** The defaults: today's dark design (presets/default.json is the `default` preset, and complete). */
export const DEFAULT_WIRE_TEMPLATE: WireTemplate = DEFAULT_PRESET.template as WireTemplate;
/** The defaults as the composition draws them. */
export const DEFAULT_TEMPLATE: Template = sceneTemplate(DEFAULT_WIRE_TEMPLATE);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` may stand for a field of this schema. */
export function fieldAccepts(field: z.ZodType, value: unknown): boolean {
  return field.safeParse(value).success;
}

/** `base` with every valid field of `layer` laid over it (fields: the field schemas at this level). */
function overlay(base: Record<string, unknown>, layer: unknown, fields: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(layer)) {
    return base;
  }
  const result: Record<string, unknown> = {...base};
  for (const [key, field] of Object.entries(fields)) {
    if (!Object.prototype.hasOwnProperty.call(layer, key)) {
      continue;
    }
    const value = layer[key];
    if (field instanceof z.ZodType) {
      if (fieldAccepts(field, value)) {
        result[key] = value;
      }
    } else {
      result[key] = overlay(result[key] as Record<string, unknown>, value, field as Record<string, unknown>);
    }
  }
  return result;
}

/**
 * The soundtrack after one layer: `null` silences; `track` or `url` replaces the source (volume 1 unless given);
 * `volume` alone changes the current source's volume (and leaves silence silent). A layer whose audio is not valid
 * (a field that fails its check, a track and a url together, a bpm without a url) changes nothing.
 */
export function resolveAudio(current: TemplateAudio | null, layer: unknown): TemplateAudio | null {
  if (layer === null) {
    return null;
  }
  if (!isRecord(layer)) {
    return current;
  }
  const given = (key: keyof typeof AUDIO_FIELDS) => Object.prototype.hasOwnProperty.call(layer, key);
  const fieldsOk = (Object.keys(AUDIO_FIELDS) as (keyof typeof AUDIO_FIELDS)[]).every(
    (key) => !given(key) || fieldAccepts(AUDIO_FIELDS[key], layer[key]),
  );
  if (!fieldsOk || (given('track') && given('url')) || (given('bpm') && !given('url'))) {
    return current;
  }
  const volume = given('volume') ? (layer.volume as number) : 1;
  if (given('track')) {
    return {track: layer.track as string, volume};
  }
  if (given('url')) {
    return {url: layer.url as string, bpm: given('bpm') ? (layer.bpm as number | null) : null, volume};
  }
  return given('volume') && current !== null ? {...current, volume} : current;
}

/** How long a scene of this kind lasts: its total, or the sum of its parts when that is longer. */
export function sceneLength(timing: TemplateGlobal['timing'], scene: SceneName): number {
  const {parts, total} = SCENES[scene];
  const sum = parts.reduce((frames: number, part) => frames + timing[part], 0);
  return Math.max(timing[total], sum);
}

/**
 * A complete template: the defaults, then each layer in order (a preset, then the reader's template), field by
 * field. Each scene's total becomes the length it lasts (see `sceneLength`), so a resolved template says every
 * scene's length itself; resolving it again gives the same template.
 */
export function resolveTemplate(...layers: unknown[]): WireTemplate {
  let result = DEFAULT_WIRE_TEMPLATE as unknown as Record<string, unknown>;
  let audio = DEFAULT_WIRE_TEMPLATE.audio;
  for (const layer of layers) {
    result = overlay(result, layer, TEMPLATE_FIELDS);
    if (isRecord(layer) && Object.prototype.hasOwnProperty.call(layer, 'audio')) {
      audio = resolveAudio(audio, layer.audio);
    }
  }
  const template = result as unknown as WireTemplate;
  const timing = {...template.global.timing};
  for (const scene of SCENE_NAMES) {
    timing[SCENES[scene].total] = sceneLength(timing, scene);
  }
  return {...template, global: {...template.global, timing}, audio};
}

/**
 * The composition's template from the wire's: each scene's options taken from its section (SCENES), under the
 * scene's name: the one place a section key becomes a scene name, so the composition and the timeline speak scene
 * names only.
 */
export function sceneTemplate(wire: WireTemplate): Template {
  const scenes = Object.fromEntries(SCENE_NAMES.map((scene) => [scene, wire[SCENES[scene].section]]));
  return {global: wire.global, ...scenes, audio: wire.audio} as Template;
}

/** The composition's complete template for these layers (see `resolveTemplate`, `sceneTemplate`). */
export function resolveScenes(...layers: unknown[]): Template {
  return sceneTemplate(resolveTemplate(...layers));
}
