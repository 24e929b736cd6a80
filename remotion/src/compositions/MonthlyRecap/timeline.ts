/**
 * The video's timing rule, in one place: the composition lays its scenes out from `buildTimeline`, and
 * `calculateDuration` (used by the composition's `calculateMetadata`) ends where the last scene ends, so the length
 * of the video always follows its content and its template. `staticSpans` derives from the same list, and from
 * each scene's cues (choreography.ts), the stretches where nothing moves, which the render driver captures once.
 * The server computes the same length in Python (tornado_render/templates.py), and tests compare the two.
 *
 * Rule: the intro; one scene per book (`grid`: one scene for all of them; none without books); stats; "currently
 * reading" only when that list is non-empty and the template's comingSoon.maxBooks is not 0; the outro. Each lasts
 * the resolved template's `*Total` (see template.ts: the total, or the sum of its parts when longer), and each
 * scene after the first starts `transitionOverlap` frames before the previous one ends. At the default timing (30
 * fps): intro 2.5 s, 3 s per book, stats 4 s, "currently reading" 3 s, outro 2 s; a month with no books is 8.5 s.
 */
import type {StaticSpan} from '../../staticSpans';
import {resolveTemplate, type Template} from '../../template/template';
import type {MonthlyRecapExport} from '../../types';
import {subScores} from './cawpile';
import {
  bookGridSettlesAt,
  bookSettlesAt,
  type Choreography,
  choreographyFor,
  currentlyReadingSettlesAt,
  fadeEndsAt,
  fadeStartsAt,
  introSettlesAt,
  outroSettlesAt,
  statsSettlesAt,
} from './choreography';

export const FPS = 30;
export const WIDTH = 1080;
export const HEIGHT = 1920;

export type SceneKind = 'intro' | 'book' | 'bookGrid' | 'stats' | 'currentlyReading' | 'outro';

type TimelineInput = Pick<MonthlyRecapExport, 'books' | 'currentlyReading'> & {template?: unknown};

/** Which timing (and fade) of the template each kind of scene takes. */
const TIMING_OF = {
  intro: 'intro',
  book: 'book',
  bookGrid: 'book',
  stats: 'stats',
  currentlyReading: 'comingSoon',
  outro: 'outro',
} as const satisfies Record<SceneKind, keyof Choreography['fades']>;

const TOTAL_OF = {
  intro: 'introTotal',
  book: 'bookTotal',
  stats: 'statsTotal',
  comingSoon: 'comingSoonTotal',
  outro: 'outroTotal',
} as const;

/**
 * For each kind of scene, the frame (relative to its start) from which its entrances have all settled, for this
 * content and template.
 */
const SETTLES_AT: Record<SceneKind, (data: TimelineInput, template: Template, cues: Choreography, bookIndex: number) => number> = {
  intro: (data, template, cues) => introSettlesAt(cues, data.books.length, template.intro.layout === 'split'),
  book: (data, _template, cues, bookIndex) => {
    const rating = data.books[bookIndex]?.rating ?? null;
    return bookSettlesAt(cues, rating !== null, rating === null ? 0 : subScores(rating).length);
  },
  bookGrid: (data, _template, cues) => bookGridSettlesAt(cues, data.books.length),
  stats: (_data, _template, cues) => statsSettlesAt(cues),
  currentlyReading: (data, template, cues) =>
    currentlyReadingSettlesAt(cues, (data.currentlyReading ?? []).length, template.comingSoon.layout, template.comingSoon.maxBooks),
  outro: (_data, _template, cues) => outroSettlesAt(cues),
};

/**
 * Whether a kind of scene starts on the bare background: every element of these scenes enters from opacity 0 or
 * from outside the frame, in every layout and animation style, so their first frame shows nothing but the
 * background, as their last frame (the end of the fade) does. A kind that starts with something already visible
 * must say false here.
 */
const STARTS_BLANK: Record<SceneKind, boolean> = {
  intro: true,
  book: true,
  bookGrid: true,
  stats: true,
  currentlyReading: true,
  outro: true,
};

export interface Scene {
  kind: SceneKind;
  /** First frame of the scene. */
  from: number;
  durationInFrames: number;
  /** For `book` scenes: the index into `books`. */
  bookIndex?: number;
  /** Relative to `from`: the first frame after every entrance has settled. */
  settledAt: number;
  /** Frames of the exit fade. */
  fadeOut: number;
  /** Relative to `from`: the last frame at full opacity, before the exit fade. */
  fadeStartsAt: number;
  /** Relative to `from`: the frames that show only the background (the end of the fade, and maybe the start). */
  blankAt: number[];
}

/** Whether the "currently reading" scene is part of this video. */
export function hasCurrentlyReading(data: TimelineInput, template: Template): boolean {
  return (data.currentlyReading ?? []).length > 0 && template.comingSoon.maxBooks > 0;
}

export function buildTimeline(data: TimelineInput, resolved?: Template): Scene[] {
  const template = resolved ?? resolveTemplate(data.template);
  const cues = choreographyFor(template);
  const timing = template.global.timing;
  const books: Array<{kind: SceneKind; bookIndex?: number}> =
    template.bookReveal.layout === 'grid'
      ? data.books.length > 0
        ? [{kind: 'bookGrid'}]
        : []
      : data.books.map((_, bookIndex) => ({kind: 'book' as const, bookIndex}));
  const kinds: Array<{kind: SceneKind; bookIndex?: number}> = [
    {kind: 'intro'},
    ...books,
    {kind: 'stats'},
    ...(hasCurrentlyReading(data, template) ? [{kind: 'currentlyReading' as const}] : []),
    {kind: 'outro'},
  ];
  const overlap = timing.transitionOverlap;
  let from = 0;
  return kinds.map(({kind, bookIndex}) => {
    const durationInFrames = timing[TOTAL_OF[TIMING_OF[kind]]];
    const fadeOut = cues.fades[TIMING_OF[kind]];
    const scene: Scene = {
      kind,
      from,
      durationInFrames,
      ...(bookIndex === undefined ? {} : {bookIndex}),
      settledAt: SETTLES_AT[kind](data, template, cues, bookIndex ?? 0),
      fadeOut,
      fadeStartsAt: fadeStartsAt(durationInFrames, fadeOut),
      blankAt: [...(STARTS_BLANK[kind] ? [0] : []), fadeEndsAt(durationInFrames)],
    };
    // The next scene starts `overlap` frames before this one ends (never before this one starts).
    from += Math.max(1, durationInFrames - overlap);
    return scene;
  });
}

/** Total frames of the video for this recap (and its template): where the last scene ends. */
export function calculateDuration(data: TimelineInput, resolved?: Template): number {
  return Math.max(...buildTimeline(data, resolved).map((scene) => scene.from + scene.durationInFrames));
}

/**
 * Where nothing moves: in each scene, from the frame its entrances have settled to the last frame before its exit
 * fade (scenes that never settle before their fade, such as an intro with a long shelf of books, have none), on
 * the frames no other scene shares. And the blank frames where one scene ends and the next starts, which all show
 * the picture of the first blank frame (frame 0): a frame is blank when every scene on it is at a blank frame of
 * its own.
 */
export function staticSpans(data: TimelineInput, resolved?: Template): StaticSpan[] {
  const scenes = buildTimeline(data, resolved);
  const others = (scene: Scene, frame: number) =>
    scenes.filter((other) => other !== scene && frame >= other.from && frame < other.from + other.durationInFrames);
  const holds = scenes.flatMap((scene, index) => {
    const previous = scenes[index - 1];
    const next = scenes[index + 1];
    const alone = Math.max(scene.from, previous === undefined ? 0 : previous.from + previous.durationInFrames);
    const first = Math.max(scene.from + scene.settledAt, scene.from + (scene.blankAt.includes(0) ? 1 : 0), alone);
    const last = Math.min(scene.from + scene.fadeStartsAt, next === undefined ? Infinity : next.from - 1);
    return first < last ? [{first, last}] : [];
  });
  const blankFrames = [
    ...new Set(
      scenes.flatMap((scene) =>
        scene.blankAt
          .map((frame) => scene.from + frame)
          .filter((frame) => others(scene, frame).every((other) => other.blankAt.includes(frame - other.from))),
      ),
    ),
  ].sort((a, b) => a - b);
  const [source, ...blank] = blankFrames;
  const runs: StaticSpan[] = [];
  for (const frame of blank) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run.last === frame - 1) {
      run.last = frame;
    } else {
      runs.push({first: frame, last: frame, source});
    }
  }
  return [...holds, ...runs].sort((a, b) => a.first - b.first);
}
