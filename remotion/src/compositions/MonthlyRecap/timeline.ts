/**
 * The video's timing rule, in one place: the composition lays its scenes out from `buildTimeline`, and
 * `calculateDuration` (used by the composition's `calculateMetadata`) sums the same list, so the length of the
 * video always follows its content.
 *
 * Rule (30 fps): intro 2.5 s, 3 s per book, stats 4 s, "currently reading" 3 s only when that list is non-empty,
 * outro 2 s. A month with no books is intro + stats + outro = 8.5 s.
 */
import type {MonthlyRecapExport} from '../../types';

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

export interface Scene {
  kind: SceneKind;
  /** First frame of the scene. */
  from: number;
  durationInFrames: number;
  /** For `book` scenes: the index into `books`. */
  bookIndex?: number;
}

type TimelineInput = Pick<MonthlyRecapExport, 'books' | 'currentlyReading'>;

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
    const scene: Scene = {kind, from, durationInFrames, ...(bookIndex === undefined ? {} : {bookIndex})};
    from += durationInFrames;
    return scene;
  });
}

/** Total frames of the video for this recap. */
export function calculateDuration(data: TimelineInput): number {
  return buildTimeline(data).reduce((total, scene) => total + scene.durationInFrames, 0);
}
