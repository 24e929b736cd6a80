/**
 * The one definition of a template: how a reader styles their recap video (colors, fonts, timing, and each
 * scene's layout and options), as the reading tracker sends it with a render request.
 *
 * A template arrives partial; `resolveTemplate` lays its layers over the defaults (presets/default.json, which is
 * today's dark design exactly) field by field and returns a complete `Template`. The server resolves the same way
 * (tornado_render/templates.py, with the marshmallow schema of validation/template_schema.py in front of it) and hands
 * the composition the complete result; tests/test_templates.py runs both resolvers on the same inputs. The
 * composition and the browser preview resolve again, which changes nothing for a complete template and makes
 * anything else safe: a value of the wrong type or shape is ignored, never drawn.
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
import {isCssColor} from './colors';

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
export type ColorKey = (typeof COLOR_KEYS)[number];

export const FONT_ROLES = ['heading', 'body', 'mono'] as const;
export type FontRole = (typeof FONT_ROLES)[number];

/** Each scene's timing parts, in the order they are laid out, and its total. */
export const SCENE_TIMING = {
  intro: {parts: ['introFadeIn', 'introHold', 'introFadeOut'], total: 'introTotal'},
  book: {parts: ['bookSlideIn', 'bookTitleType', 'bookRatingCount', 'bookHold', 'bookExit'], total: 'bookTotal'},
  stats: {parts: ['statsCountUp', 'statsHold', 'statsFadeOut'], total: 'statsTotal'},
  comingSoon: {parts: ['comingSoonFadeIn', 'comingSoonHold', 'comingSoonFadeOut'], total: 'comingSoonTotal'},
  outro: {parts: ['outroFadeIn', 'outroHold', 'outroFadeOut'], total: 'outroTotal'},
} as const;
export type TimedScene = keyof typeof SCENE_TIMING;

export type TimingKey =
  | (typeof SCENE_TIMING)[TimedScene]['parts'][number]
  | (typeof SCENE_TIMING)[TimedScene]['total']
  | 'transitionOverlap';
export const TIMING_KEYS: readonly TimingKey[] = [
  ...Object.values(SCENE_TIMING).flatMap(({parts, total}) => [...parts, total]),
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
export const BPM_RANGE = {min: 40, max: 240} as const;
export const VOLUME_RANGE = {min: 0, max: 1} as const;

/** The soundtrack: a bundled bed, or a track from a URL with its tempo (null: unknown). */
export type TemplateAudio = {track: string; volume: number} | {url: string; bpm: number | null; volume: number};

export interface Template {
  global: {
    colors: Record<ColorKey, string>;
    fonts: Record<FontRole, string>;
    timing: Record<TimingKey, number>;
  };
  intro: {
    layout: (typeof INTRO_LAYOUTS)[number];
    titleFontSize: number;
    subtitleFontSize: number;
    showYear: boolean;
  };
  bookReveal: {
    layout: (typeof BOOK_LAYOUTS)[number];
    showRatings: boolean;
    showAuthors: boolean;
    coverSize: (typeof COVER_SIZES)[number];
    animationStyle: (typeof ANIMATION_STYLES)[number];
  };
  statsReveal: {
    layout: (typeof STATS_LAYOUTS)[number];
    showTotalBooks: boolean;
    showTotalPages: boolean;
    showAverageRating: boolean;
    showTopBook: boolean;
    animateNumbers: boolean;
  };
  comingSoon: {
    layout: (typeof COMING_SOON_LAYOUTS)[number];
    showProgress: boolean;
    maxBooks: number;
  };
  outro: {
    layout: (typeof OUTRO_LAYOUTS)[number];
    showBranding: boolean;
    customText: string | null;
  };
  audio: TemplateAudio | null;
}

type DeepPartial<T> = {[K in keyof T]?: T[K] extends Record<string, unknown> ? DeepPartial<T[K]> : T[K]};
/** What a client sends: any part of a Template (unknown keys are ignored). */
export type TemplateInput = DeepPartial<Template>;

/** One field's check: whether a value may stand for it. */
type Check = (value: unknown) => boolean;

const oneOf =
  (choices: readonly string[]): Check =>
  (value) =>
    typeof value === 'string' && choices.includes(value);
const isBoolean: Check = (value) => typeof value === 'boolean';
const numberIn =
  ({min, max, integer}: {min: number; max: number; integer: boolean}): Check =>
  (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
const timingValue = numberIn({...TIMING_RANGE, integer: true});
const customText: Check = (value) => value === null || (typeof value === 'string' && value.length <= MAX_CUSTOM_TEXT);
// http(s), a host, nothing that is not plain text; the server fetches it (under the cover rules) or says why not.
const AUDIO_URL = /^https?:\/\/[^/?# ]+/i;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const audioUrl: Check = (value) =>
  typeof value === 'string' && value.length <= MAX_AUDIO_URL && !CONTROL_CHARACTERS.test(value) && AUDIO_URL.test(value);

/**
 * The font families a template may name: the bundled families that draw Latin text in every style the video uses
 * (fonts/registry.ts loads them; the server lists them in its 400 answer). Kept here, beside the checks, and tested against
 * the bundled faces.
 */
export const TEMPLATE_FONT_FAMILIES = ['Fraunces', 'Inter', 'JetBrains Mono'] as const;

/** The same check for every key of a list. */
function each<K extends string>(keys: readonly K[], check: (key: K) => Check): Record<K, Check> {
  return Object.fromEntries(keys.map((key) => [key, check(key)])) as Record<K, Check>;
}

/** Every field of a Template and how its value is checked, section by section. */
export const TEMPLATE_FIELDS: {
  [S in Exclude<keyof Template, 'audio'>]: {[F in keyof Template[S]]: Check | Record<string, Check>};
} = {
  global: {
    colors: each(COLOR_KEYS, () => isCssColor),
    fonts: each(FONT_ROLES, () => oneOf(TEMPLATE_FONT_FAMILIES)),
    timing: each(TIMING_KEYS, (key) => (key === 'transitionOverlap' ? numberIn({...OVERLAP_RANGE, integer: true}) : timingValue)),
  },
  intro: {
    layout: oneOf(INTRO_LAYOUTS),
    titleFontSize: numberIn(NUMBER_RANGES.titleFontSize),
    subtitleFontSize: numberIn(NUMBER_RANGES.subtitleFontSize),
    showYear: isBoolean,
  },
  bookReveal: {
    layout: oneOf(BOOK_LAYOUTS),
    showRatings: isBoolean,
    showAuthors: isBoolean,
    coverSize: oneOf(COVER_SIZES),
    animationStyle: oneOf(ANIMATION_STYLES),
  },
  statsReveal: {
    layout: oneOf(STATS_LAYOUTS),
    showTotalBooks: isBoolean,
    showTotalPages: isBoolean,
    showAverageRating: isBoolean,
    showTopBook: isBoolean,
    animateNumbers: isBoolean,
  },
  comingSoon: {layout: oneOf(COMING_SOON_LAYOUTS), showProgress: isBoolean, maxBooks: numberIn(NUMBER_RANGES.maxBooks)},
  outro: {layout: oneOf(OUTRO_LAYOUTS), showBranding: isBoolean, customText},
};

/** Each field of `audio` and how its value is checked (see `resolveAudio` for how they combine). */
export const AUDIO_FIELDS: Record<'track' | 'url' | 'bpm' | 'volume', Check> = {
  track: oneOf(AUDIO_TRACKS),
  url: audioUrl,
  bpm: (value) => value === null || numberIn({...BPM_RANGE, integer: false})(value),
  volume: numberIn({...VOLUME_RANGE, integer: false}),
};

/** The defaults: today's dark design (presets/default.json is the `default` preset, and complete). */
export const DEFAULT_TEMPLATE: Template = DEFAULT_PRESET.template as Template;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with every valid field of `layer` laid over it (checks: the fields at this level). */
function overlay(base: Record<string, unknown>, layer: unknown, checks: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(layer)) {
    return base;
  }
  const result: Record<string, unknown> = {...base};
  for (const [key, check] of Object.entries(checks)) {
    if (!Object.prototype.hasOwnProperty.call(layer, key)) {
      continue;
    }
    const value = layer[key];
    if (typeof check === 'function') {
      if ((check as Check)(value)) {
        result[key] = value;
      }
    } else {
      result[key] = overlay(result[key] as Record<string, unknown>, value, check as Record<string, unknown>);
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
    (key) => !given(key) || AUDIO_FIELDS[key](layer[key]),
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
export function sceneLength(timing: Template['global']['timing'], scene: TimedScene): number {
  const {parts, total} = SCENE_TIMING[scene];
  const sum = parts.reduce((frames: number, part) => frames + timing[part], 0);
  return Math.max(timing[total], sum);
}

/**
 * A complete template: the defaults, then each layer in order (a preset, then the reader's template), field by
 * field. Each scene's total becomes the length it lasts (see `sceneLength`), so a resolved template says every
 * scene's length itself; resolving it again gives the same template.
 */
export function resolveTemplate(...layers: unknown[]): Template {
  let result = DEFAULT_TEMPLATE as unknown as Record<string, unknown>;
  let audio = DEFAULT_TEMPLATE.audio;
  for (const layer of layers) {
    result = overlay(result, layer, TEMPLATE_FIELDS);
    if (isRecord(layer) && Object.prototype.hasOwnProperty.call(layer, 'audio')) {
      audio = resolveAudio(audio, layer.audio);
    }
  }
  const template = result as unknown as Template;
  const timing = {...template.global.timing};
  for (const scene of Object.keys(SCENE_TIMING) as TimedScene[]) {
    timing[SCENE_TIMING[scene].total] = sceneLength(timing, scene);
  }
  return {...template, global: {...template.global, timing}, audio};
}
