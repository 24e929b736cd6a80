/**
 * When things move, scene by scene: every entrance of every scene is a cue (the frame it starts at, relative to its
 * scene's first frame, and how many frames it takes), and each scene ends with the same fade.
 *
 * The components animate from these cues (through the hooks in motion.ts), and timeline.ts derives from the same
 * cues the frame from which a scene stops moving, so the render driver can capture that still picture once and hold
 * it until the exit fade (see `staticSpans` in timeline.ts). Nothing here imports React or Remotion: the timeline
 * is also evaluated outside the browser (scripts/calculate-duration.mjs).
 *
 * A scene's settle frame is the latest settle frame of the cues it lists. A cue a component uses without it being
 * listed here would declare a moving frame static; tests/test_static_spans.py renders both ends of every declared
 * span and fails when they differ.
 */

/** Frames of a spring when a cue does not say otherwise. */
export const SPRING_FRAMES = 22;
/** Frames of the fade-out at a scene's end. */
export const SCENE_FADE = 7;

/**
 * One motion of a scene. `spring`: Remotion's spring() stretched to `frames` (damping 200); `tween`: a clamped
 * interpolation over `frames`.
 */
export interface Cue {
  readonly kind: 'spring' | 'tween';
  /** First frame of the motion, relative to the scene. */
  readonly delay: number;
  readonly frames: number;
}

export function spring(delay: number, frames: number = SPRING_FRAMES): Cue {
  return {kind: 'spring', delay, frames};
}

export function tween(delay: number, frames: number): Cue {
  return {kind: 'tween', delay, frames};
}

/**
 * The first frame (relative to the scene) from which `cue` holds its final value exactly. Remotion's spring() with
 * a duration returns its target only once `frame - delay > frames` (at `frames` itself it is 0.4 % short);
 * interpolate() reaches its end at `delay + frames`.
 */
export function settlesAt(cue: Cue): number {
  return cue.kind === 'spring' ? cue.delay + cue.frames + 1 : cue.delay + cue.frames;
}

/** The last frame of a scene at full opacity: its fade-out starts right after it. */
export function fadeStartsAt(durationInFrames: number): number {
  return durationInFrames - SCENE_FADE;
}

/** The scene's last frame, where its fade reaches opacity 0: nothing of the scene shows. */
export function fadeEndsAt(durationInFrames: number): number {
  return durationInFrames - 1;
}

/** Every cue of a table: its plain entries (so a cue added to a table is always counted) plus `more`. */
function settleOf(table: Record<string, Cue | ((index: number) => Cue)>, more: Cue[] = []): number {
  const plain = Object.values(table).filter((entry): entry is Cue => typeof entry !== 'function');
  return Math.max(0, ...[...plain, ...more].map(settlesAt));
}

/** The small label at the top of a scene. */
export const EYEBROW = spring(0);

/** Spines on the intro's shelf: one per book, up to this many. */
export const MAX_SPINES = 14;

export const INTRO = {
  eyebrow: EYEBROW,
  month: spring(4),
  year: spring(10),
  rule: spring(14, 24),
  count: spring(18),
  shelfBoard: spring(16, 20),
  spine: (index: number): Cue => spring(20 + index * 3, 24),
};

export function introSettlesAt(bookCount: number): number {
  const spines = Math.min(bookCount, MAX_SPINES);
  const {shelfBoard, ...withoutShelf} = INTRO;
  return spines === 0 ? settleOf(withoutShelf) : settleOf(INTRO, [shelfBoard, INTRO.spine(spines - 1)]);
}

export const BOOK = {
  eyebrow: EYEBROW,
  cover: spring(0, 24),
  badge: spring(6),
  title: spring(8),
  rating: spring(9),
  authors: spring(12),
  pages: spring(13),
};

/** Only for a rated book: the average counting up, its stars filling, and one bar per present sub-score. */
export const BOOK_RATING = {
  average: tween(10, 26),
  stars: spring(14, 30),
  bar: (index: number): Cue => tween(18 + index * 3, 18),
};

export function bookSettlesAt(rated: boolean, subScoreCount: number): number {
  if (!rated) {
    return settleOf(BOOK);
  }
  const bars = subScoreCount > 0 ? [BOOK_RATING.bar(subScoreCount - 1)] : [];
  return Math.max(settleOf(BOOK), settleOf(BOOK_RATING, bars));
}

/** Stats: every entrance counts, whether or not its element is shown (a month without a top book settles no later). */
export const STATS = {
  eyebrow: EYEBROW,
  heading: spring(2),
  booksTile: spring(6),
  booksCount: tween(8, 30),
  pagesTile: spring(9),
  pagesCount: tween(11, 30),
  completedTile: spring(12),
  completedCount: tween(14, 30),
  dnfTile: spring(15),
  dnfCount: tween(17, 30),
  averageTile: spring(18),
  averageCount: tween(20, 30),
  averageStars: spring(24, 30),
  topRated: spring(22),
  quietMonth: spring(22),
  lowestRated: spring(26),
};

export function statsSettlesAt(): number {
  return settleOf(STATS);
}

/** Rows that fit between the "currently reading" heading and the bottom safe margin. */
export const MAX_READING_ROWS = 4;

export const CURRENTLY_READING = {
  eyebrow: EYEBROW,
  heading: spring(2),
  /** One book gets the whole stage. */
  heroCover: spring(6),
  heroText: spring(12),
  heroProgress: spring(16),
  heroBar: tween(18, 30),
  /** Two or more: a row each, then "and N more" when they do not fit. */
  row: (index: number): Cue => spring(8 + index * 5),
  rowBar: (index: number): Cue => tween(14 + index * 5, 30),
  more: (shownRows: number): Cue => spring(8 + shownRows * 5),
};

/** How many books get a row of their own (the rest become "and N more"). */
export function shownReadingRows(count: number): number {
  return count > MAX_READING_ROWS ? MAX_READING_ROWS - 1 : count;
}

export function currentlyReadingSettlesAt(count: number): number {
  const shown = shownReadingRows(count);
  const {heroCover, heroText, heroProgress, heroBar, ...common} = CURRENTLY_READING;
  if (shown === 1) {
    return settleOf(common, [heroCover, heroText, heroProgress, heroBar]);
  }
  const last = Math.max(0, shown - 1);
  return settleOf(common, [CURRENTLY_READING.row(last), CURRENTLY_READING.rowBar(last), CURRENTLY_READING.more(shown)]);
}

export const OUTRO = {
  badge: spring(0, 20),
  heading: spring(4),
  line: spring(9),
  summary: spring(14),
};

export function outroSettlesAt(): number {
  return settleOf(OUTRO);
}
