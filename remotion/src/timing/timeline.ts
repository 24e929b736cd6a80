/**
 * The video's timing rule, in one place: the composition lays its scenes out from `buildTimeline`, and
 * `calculateDuration` (used by the composition's `calculateMetadata`) ends where the last scene ends, so the length
 * of the video always follows its content, its template and its music. `staticSpans` derives from the same list,
 * and from each scene's cues (choreography.ts), the stretches where nothing moves, which the render driver captures
 * once. The server computes the same length in Python (tornado_render/templates.py), and tests compare the two.
 *
 * Rule, in the scenes' one names (template.ts SCENES): `intro`; one `book` scene per book (`grid`: one `book` scene
 * for all of them, without a bookIndex; none without books); `stats`; `comingSoon` ("currently reading") only when
 * that list is non-empty and the template's comingSoon.maxBooks is not 0; `outro`. Each lasts
 * the resolved template's `*Total` (template.ts: the total, or the sum of its parts when longer), and each scene
 * after the first starts `transitionOverlap` frames before the previous one ends (never before it starts).
 *
 * Cut on the beat: when the soundtrack has a known tempo (audio/soundtrack.ts), each scene's start, and the end of the
 * video, moves to the first beat at or after it; the scene before it holds its finished picture that much longer
 * (less than a beat). Without music, or with a track of unknown tempo, nothing moves.
 *
 * Transitions: the last frames of each scene but the outro (its exit part: introFadeOut, bookExit, statsFadeOut,
 * comingSoonFadeOut) are a wipe, the next scene's background rising over it, which completes where that scene
 * starts (on the beat). The outro never leaves: the video's last frame is the finished end card.
 *
 * At the default timing (30 fps, the 120 BPM default bed, whose beat is 15 frames): intro 2 s, 4 s per book, stats
 * 5 s, "currently reading" 4 s, outro 3 s; a month with no books is 10 s.
 */
import {beatFrames, nextBeat, soundtrackTempo} from '../audio/soundtrack';
import type {StaticSpan} from './staticSpans';
import {resolveScenes, SCENES, type SceneName, type Template} from '../template/template';
import type {MonthlyRecapExport} from '../types';
import {subScores} from '../cawpile';
import {
  bookGridSettlesAt,
  bookSettlesAt,
  type Choreography,
  choreographyFor,
  comingSoonSettlesAt,
  introSettlesAt,
  outroSettlesAt,
  statsSettlesAt,
} from './choreography';

export const FPS = 30;
export const WIDTH = 1080;
export const HEIGHT = 1920;

/** A scene's kind is its one name (template.ts SCENES): the timing keys' prefix, and the server's name for it. */
export type SceneKind = SceneName;

type TimelineInput = Pick<MonthlyRecapExport, 'books' | 'currentlyReading'> & {template?: unknown};

/**
 * For each kind of scene, the frame (relative to its start) from which its entrances have all settled, for this
 * content and template.
 */
const SETTLES_AT: Record<
  SceneKind,
  (data: TimelineInput, template: Template, cues: Choreography, bookIndex: number | undefined) => number
> = {
  intro: () => introSettlesAt(),
  book: (data, template, cues, bookIndex) => {
    if (bookIndex === undefined) {
      return bookGridSettlesAt(cues, data.books.length);
    }
    const rating = template.book.showRatings ? (data.books[bookIndex]?.rating ?? null) : null;
    return bookSettlesAt(cues, rating !== null, rating === null ? 0 : subScores(rating).length);
  },
  stats: (_data, _template, cues) => statsSettlesAt(cues),
  comingSoon: (data, template, cues) =>
    comingSoonSettlesAt(cues, (data.currentlyReading ?? []).length, template.comingSoon.layout, template.comingSoon.maxBooks),
  outro: (_data, _template, cues) => outroSettlesAt(cues),
};

export interface Scene {
  kind: SceneKind;
  /** First frame of the scene's own: the wipe that brought it in has completed (on the beat, with music). */
  from: number;
  /** Frames from `from` to the frame after its last visible one (where the next scene's wipe has covered it). */
  durationInFrames: number;
  /** For `book` scenes: the index into `books` of its one book; absent, the `grid` layout's scene of them all. */
  bookIndex?: number;
  /** Relative to `from`: the first frame after every entrance has settled. */
  settledAt: number;
  /** Frames before `from` in which this scene's background wipes in over the previous scene (0 for the first). */
  wipeIn: number;
  /** Relative to `from`: the first frame the next scene's wipe covers part of this one (its duration: none). */
  exitAt: number;
}

/** Whether the comingSoon scene ("currently reading") is part of this video. */
export function hasComingSoon(data: TimelineInput, template: Template): boolean {
  return (data.currentlyReading ?? []).length > 0 && template.comingSoon.maxBooks > 0;
}

/** The kinds of scene of this video, in order. */
function sceneKinds(data: TimelineInput, template: Template): Array<{kind: SceneKind; bookIndex?: number}> {
  const books: Array<{kind: SceneKind; bookIndex?: number}> =
    template.book.layout === 'grid'
      ? data.books.length > 0
        ? [{kind: 'book'}]
        : []
      : data.books.map((_, bookIndex) => ({kind: 'book' as const, bookIndex}));
  return [
    {kind: 'intro'},
    ...books,
    {kind: 'stats'},
    ...(hasComingSoon(data, template) ? [{kind: 'comingSoon' as const}] : []),
    {kind: 'outro'},
  ];
}

/** The frames of a beat of this template's soundtrack, or null when scene changes need not follow one. */
export function templateBeat(template: Template): number | null {
  const bpm = soundtrackTempo(template.audio);
  return bpm === null ? null : beatFrames(bpm, FPS);
}

export function buildTimeline(data: TimelineInput, resolved?: Template): Scene[] {
  const template = resolved ?? resolveScenes(data.template);
  const cues = choreographyFor(template);
  const timing = template.global.timing;
  const beat = templateBeat(template);
  const onBeat = (frame: number) => (beat === null ? frame : nextBeat(frame, beat));
  const kinds = sceneKinds(data, template);
  const overlap = timing.transitionOverlap;
  // Where each scene starts: `overlap` frames before the previous one's end, on the beat. The video ends on a beat too.
  const starts = [0];
  for (const {kind} of kinds.slice(0, -1)) {
    const from = starts[starts.length - 1];
    starts.push(onBeat(from + Math.max(1, timing[SCENES[kind].total] - overlap)));
  }
  const lastKind = kinds[kinds.length - 1].kind;
  const end = onBeat(starts[starts.length - 1] + timing[SCENES[lastKind].total]);
  return kinds.map(({kind, bookIndex}, index) => {
    const from = starts[index];
    const next = index + 1 < kinds.length ? starts[index + 1] : null;
    const previousExit = index === 0 ? 0 : exitFrames(kinds[index - 1].kind, cues);
    // The wipe covers the previous scene over its exit frames, ending where this scene starts (at most from the
    // previous scene's second frame on, so every scene shows itself for at least one frame).
    const wipeIn = index === 0 ? 0 : Math.max(0, Math.min(previousExit, from - starts[index - 1] - 1));
    const nextExit = exitFrames(kind, cues);
    const nextWipe = next === null ? 0 : Math.max(0, Math.min(nextExit, next - from - 1));
    return {
      kind,
      from,
      durationInFrames: (next ?? end) - from,
      ...(bookIndex === undefined ? {} : {bookIndex}),
      settledAt: SETTLES_AT[kind](data, template, cues, bookIndex),
      wipeIn,
      exitAt: next === null ? end - from : next - nextWipe - from,
    };
  });
}

/** Frames of the wipe that ends a scene of this kind (the outro's end is the video's). */
function exitFrames(kind: SceneKind, cues: Choreography): number {
  return kind === 'outro' ? 0 : cues.exits[kind];
}

/** Total frames of the video for this recap (and its template): where the last scene ends. */
export function calculateDuration(data: TimelineInput, resolved?: Template): number {
  const scenes = buildTimeline(data, resolved);
  const last = scenes[scenes.length - 1];
  return last.from + last.durationInFrames;
}

/**
 * Where nothing moves: in each scene, from the frame its entrances have settled (and the previous scene is gone) to
 * the last frame before the next scene's wipe reaches it; the outro's to the video's last frame.
 */
export function staticSpans(data: TimelineInput, resolved?: Template): StaticSpan[] {
  const scenes = buildTimeline(data, resolved);
  return scenes.flatMap((scene, index) => {
    const previous = scenes[index - 1];
    const first = Math.max(scene.from + scene.settledAt, previous === undefined ? 0 : previous.from + previous.durationInFrames);
    const last = scene.from + scene.exitAt - 1;
    return first < last ? [{first, last}] : [];
  });
}
