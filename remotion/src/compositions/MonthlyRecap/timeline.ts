/**
 * The video's timing rule, in one place: the composition lays its scenes out from `buildTimeline`, and
 * `calculateDuration` (used by the composition's `calculateMetadata`) sums the same list, so the length of the
 * video always follows its content. `staticSpans` derives from the same list, and from each scene's cues
 * (choreography.ts), the stretches where nothing moves, which the render driver captures once.
 *
 * Rule (30 fps): intro 2.5 s, 3 s per book, stats 4 s, "currently reading" 3 s only when that list is non-empty,
 * outro 2 s. A month with no books is intro + stats + outro = 8.5 s.
 */
import type {StaticSpan} from '../../staticSpans';
import type {MonthlyRecapExport} from '../../types';
import {subScores} from './cawpile';
import {
  bookSettlesAt,
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

export const SCENE_FRAMES = {
  intro: 75,
  book: 90,
  stats: 120,
  currentlyReading: 90,
  outro: 60,
} as const;

export type SceneKind = 'intro' | 'book' | 'stats' | 'currentlyReading' | 'outro';

type TimelineInput = Pick<MonthlyRecapExport, 'books' | 'currentlyReading'>;

/**
 * For each kind of scene, the frame (relative to its start) from which its entrances have all settled, for this
 * content. The exit fade starts at `fadeStartsAt(length)` for every kind.
 */
const SETTLES_AT: Record<SceneKind, (data: TimelineInput, bookIndex: number) => number> = {
  intro: (data) => introSettlesAt(data.books.length),
  book: (data, bookIndex) => {
    const rating = data.books[bookIndex]?.rating ?? null;
    return bookSettlesAt(rating !== null, rating === null ? 0 : subScores(rating).length);
  },
  stats: () => statsSettlesAt(),
  currentlyReading: (data) => currentlyReadingSettlesAt((data.currentlyReading ?? []).length),
  outro: () => outroSettlesAt(),
};

/**
 * Whether a kind of scene starts on the bare background: every element of these scenes enters from opacity 0 or
 * from outside the frame, so their first frame shows nothing but the background, as their last frame (the end of
 * the fade) does. A kind that starts with something already visible must say false here.
 */
const STARTS_BLANK: Record<SceneKind, boolean> = {
  intro: true,
  book: true,
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
  /** Relative to `from`: the last frame at full opacity, before the exit fade. */
  fadeStartsAt: number;
  /** Relative to `from`: the frames that show only the background (the end of the fade, and maybe the start). */
  blankAt: number[];
}

export function buildTimeline(data: TimelineInput): Scene[] {
  const kinds: Array<{kind: SceneKind; bookIndex?: number}> = [
    {kind: 'intro'},
    ...data.books.map((_, bookIndex) => ({kind: 'book' as const, bookIndex})),
    {kind: 'stats'},
    ...((data.currentlyReading ?? []).length > 0 ? [{kind: 'currentlyReading' as const}] : []),
    {kind: 'outro'},
  ];
  let from = 0;
  return kinds.map(({kind, bookIndex}) => {
    const durationInFrames = SCENE_FRAMES[kind];
    const scene: Scene = {
      kind,
      from,
      durationInFrames,
      ...(bookIndex === undefined ? {} : {bookIndex}),
      settledAt: SETTLES_AT[kind](data, bookIndex ?? 0),
      fadeStartsAt: fadeStartsAt(durationInFrames),
      blankAt: [...(STARTS_BLANK[kind] ? [0] : []), fadeEndsAt(durationInFrames)],
    };
    from += durationInFrames;
    return scene;
  });
}

/** Total frames of the video for this recap. */
export function calculateDuration(data: TimelineInput): number {
  return buildTimeline(data).reduce((total, scene) => total + scene.durationInFrames, 0);
}

/**
 * Where nothing moves: in each scene, from the frame its entrances have settled to the last frame before its exit
 * fade (scenes that never settle before their fade, such as an intro with a long shelf of books, have none). And
 * the blank frames where one scene ends and the next starts, which all show the picture of the first blank frame.
 */
export function staticSpans(data: TimelineInput): StaticSpan[] {
  const scenes = buildTimeline(data);
  const holds = scenes.flatMap((scene) => {
    const first = Math.max(scene.settledAt, scene.blankAt.includes(0) ? 1 : 0);
    return first < scene.fadeStartsAt ? [{first: scene.from + first, last: scene.from + scene.fadeStartsAt}] : [];
  });
  const [source, ...blank] = scenes.flatMap((scene) => scene.blankAt.map((frame) => scene.from + frame));
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
