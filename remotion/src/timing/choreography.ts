/**
 * When things move, scene by scene: every entrance of every scene is a cue (the frame it starts at, relative to its
 * scene's first frame, and how many frames it takes). Scenes do not fade out: the next scene's colour wipes in over
 * the last frames of each one (timeline.ts lays the wipes out; transition.ts draws them).
 *
 * The components animate from these cues (through the hooks in motion.ts), and timeline.ts derives from the same
 * cues the frame from which a scene stops moving, so the render driver can capture that still picture once and hold
 * it until the next wipe (see `staticSpans` in timeline.ts). Nothing here imports React or Remotion: the timeline
 * is also evaluated outside the browser (scripts/calculate-duration.mjs).
 *
 * The intro has no entrance at all: its first frame is the finished title card, so every player that shows frame 0
 * (a gallery, a chat preview, a <video> before play) shows the month, the year and the book count, not black.
 *
 * The numbers below are the design at the default timing. A template's timing stretches them (`choreographyFor`):
 * an entrance part (bookSlideIn, bookTitleType, ...) scales the cues it governs by its value over its default, so
 * the default template gives exactly these cues, and a slower slide-in is the same motion, slower.
 *
 * A scene's settle frame is the latest settle frame of the cues it lists. A cue a component uses without it being
 * listed here would declare a moving frame static; tests/test_static_spans.py renders both ends of every declared
 * span and fails when they differ.
 */
import {DEFAULT_TEMPLATE, type Template} from '../template/template';

/** Frames of a spring when a cue does not say otherwise. */
export const SPRING_FRAMES = 18;

/**
 * One motion of a scene. `spring`: Remotion's spring() stretched to `frames` (critically damped); `pop`: a
 * springier one that overshoots a little before it settles (covers, badges, stars); `tween`: an eased interpolation
 * over `frames` (numbers counting up, bars growing).
 */
export interface Cue {
  readonly kind: 'spring' | 'pop' | 'tween';
  /** First frame of the motion, relative to the scene. */
  readonly delay: number;
  readonly frames: number;
}

export function spring(delay: number, frames: number = SPRING_FRAMES): Cue {
  return {kind: 'spring', delay, frames};
}

export function pop(delay: number, frames: number = SPRING_FRAMES): Cue {
  return {kind: 'pop', delay, frames};
}

export function tween(delay: number, frames: number): Cue {
  return {kind: 'tween', delay, frames};
}

/**
 * The first frame (relative to the scene) from which `cue` holds its final value exactly. Remotion's spring() with
 * a duration returns its target only once `frame - delay > frames`; interpolate() reaches its end at
 * `delay + frames`.
 */
export function settlesAt(cue: Cue): number {
  return cue.kind === 'tween' ? cue.delay + cue.frames : cue.delay + cue.frames + 1;
}

/** A cue stretched by `scale` (its delay after `origin`, and its length); `origin` itself moves to `start`. */
function stretch(cue: Cue, scale: number, origin = 0, start = origin): Cue {
  return {kind: cue.kind, delay: start + Math.round((cue.delay - origin) * scale), frames: Math.max(1, Math.round(cue.frames * scale))};
}

type CueTable = Record<string, Cue | ((index: number) => Cue)>;

/** Every cue of a table stretched by `scale` (functions too). */
function stretchTable<T extends CueTable>(table: T, scale: number): T {
  return Object.fromEntries(
    Object.entries(table).map(([name, entry]) => [
      name,
      typeof entry === 'function' ? (index: number) => stretch(entry(index), scale) : stretch(entry, scale),
    ]),
  ) as T;
}

/** Every cue of a table: its plain entries (so a cue added to a table is always counted) plus `more`. */
function settleOf(table: CueTable, more: Cue[] = []): number {
  const plain = Object.values(table).filter((entry): entry is Cue => typeof entry !== 'function');
  return Math.max(0, ...[...plain, ...more].map(settlesAt));
}

// ---------------------------------------------------------------------------------------------------------------
// The design at the default timing

/** Spines on the intro's shelf: one per book, up to this many. */
export const MAX_SPINES = 14;

/** Stats: every entrance counts, whether or not its element is shown (a month without a top book settles no later). */
const STATS = {
  eyebrow: spring(0, 14),
  heading: spring(2, 16),
  booksTile: pop(4),
  booksCount: tween(6, 30),
  pagesTile: pop(6),
  pagesCount: tween(8, 30),
  completedTile: pop(8),
  completedCount: tween(10, 30),
  dnfTile: pop(10),
  dnfCount: tween(12, 30),
  averageTile: spring(12),
  averageCount: tween(14, 30),
  averageStars: pop(18, 24),
  topRated: spring(16),
  quietMonth: spring(16),
  lowestRated: spring(20),
};

const COMING_SOON = {
  eyebrow: spring(0, 14),
  heading: spring(2, 16),
  /** One book gets the whole stage. */
  heroCover: pop(4, 20),
  heroText: spring(8),
  heroProgress: spring(11),
  heroBar: tween(12, 24),
  /** Two or more: a row (or a grid cell) each, then "and N more" when they do not fit. */
  row: (index: number): Cue => spring(5 + index * 4),
  rowBar: (index: number): Cue => tween(9 + index * 4, 24),
  more: (shownRows: number): Cue => spring(5 + shownRows * 4),
};

const OUTRO = {
  badge: pop(0, 20),
  heading: spring(3),
  line: spring(7),
  summary: spring(10),
};

/** The default values of the entrance parts: the cues above are the design at exactly these. */
const DEFAULT_TIMING = DEFAULT_TEMPLATE.global.timing;

// ---------------------------------------------------------------------------------------------------------------
// A template's choreography

export interface Choreography {
  book: {eyebrow: Cue; cover: Cue; badge: Cue; title: Cue; rating: Cue; authors: Cue; pages: Cue};
  /** Only for a rated book: the block, the average counting up, its stars filling, one bar per sub-score. */
  bookRating: {block: Cue; average: Cue; stars: Cue; bar: (index: number) => Cue};
  /** The `grid` book layout: every book in one scene, a cell each. */
  bookGrid: {eyebrow: Cue; heading: Cue; cell: (index: number) => Cue};
  stats: typeof STATS;
  comingSoon: typeof COMING_SOON;
  outro: typeof OUTRO;
  /** Frames of the wipe that ends each kind of scene (the template's *FadeOut / bookExit); the outro has none. */
  exits: {intro: number; book: number; stats: number; comingSoon: number};
}

/** Cells of the book grid that enter one after another; later ones enter with the last of these. */
export const GRID_STAGGERED_CELLS = 12;

/** The cues of every scene for this template's timing (the default template gives the design's own cues). */
export function choreographyFor(template: Template): Choreography {
  const timing = template.global.timing;
  const ratio = (key: keyof typeof DEFAULT_TIMING) => timing[key] / DEFAULT_TIMING[key];
  const slide = ratio('bookSlideIn');
  const title = ratio('bookTitleType');
  const count = ratio('bookRatingCount');
  // A book: the slide-in part stretches the cover, the badge and when the rest begins; the title part stretches
  // the title, authors and page count after their start; the rating part the rating block, count-up, stars, bars.
  const titleStart = Math.round(6 * slide);
  const ratingStart = Math.round(8 * slide);
  const countUp = ratio('statsCountUp');
  return {
    book: {
      eyebrow: stretch(spring(0, 14), slide),
      cover: stretch(pop(0, 20), slide),
      badge: stretch(pop(4, 16), slide),
      title: stretch(spring(6, 16), title, 6, titleStart),
      authors: stretch(spring(9, 16), title, 6, titleStart),
      pages: stretch(spring(12, 14), title, 6, titleStart),
      rating: stretch(spring(8, 16), count, 8, ratingStart),
    },
    bookRating: {
      block: stretch(spring(8, 16), count, 8, ratingStart),
      average: stretch(tween(10, 22), count, 8, ratingStart),
      stars: stretch(pop(14, 20), count, 8, ratingStart),
      bar: (index: number) => stretch(tween(16 + index * 3, 14), count, 8, ratingStart),
    },
    bookGrid: {
      eyebrow: stretch(spring(0, 14), slide),
      heading: stretch(spring(2, 16), slide),
      cell: (index: number) => stretch(pop(5 + Math.min(index, GRID_STAGGERED_CELLS) * 2, 20), slide),
    },
    stats: {
      ...STATS,
      booksCount: stretch(STATS.booksCount, countUp, STATS.booksCount.delay),
      pagesCount: stretch(STATS.pagesCount, countUp, STATS.pagesCount.delay),
      completedCount: stretch(STATS.completedCount, countUp, STATS.completedCount.delay),
      dnfCount: stretch(STATS.dnfCount, countUp, STATS.dnfCount.delay),
      averageCount: stretch(STATS.averageCount, countUp, STATS.averageCount.delay),
      averageStars: stretch(STATS.averageStars, countUp, STATS.averageStars.delay),
    },
    comingSoon: stretchTable(COMING_SOON, ratio('comingSoonFadeIn')),
    outro: stretchTable(OUTRO, ratio('outroFadeIn')),
    exits: {
      intro: timing.introFadeOut,
      book: timing.bookExit,
      stats: timing.statsFadeOut,
      comingSoon: timing.comingSoonFadeOut,
    },
  };
}

/** The intro is its own poster: settled from its first frame. */
export function introSettlesAt(): number {
  return 0;
}

export function bookSettlesAt(cues: Choreography, rated: boolean, subScoreCount: number): number {
  if (!rated) {
    return settleOf(cues.book);
  }
  const bars = subScoreCount > 0 ? [cues.bookRating.bar(subScoreCount - 1)] : [];
  return Math.max(settleOf(cues.book), settleOf(cues.bookRating, bars));
}

export function bookGridSettlesAt(cues: Choreography, bookCount: number): number {
  return settleOf(cues.bookGrid, bookCount > 0 ? [cues.bookGrid.cell(bookCount - 1)] : []);
}

export function statsSettlesAt(cues: Choreography): number {
  return settleOf(cues.stats);
}

/** Rows that fit between the "currently reading" heading and the footer, by default. */
export const MAX_READING_ROWS = DEFAULT_TEMPLATE.comingSoon.maxBooks;

/**
 * How many books get a row (or a cell) of their own when at most `maxRows` fit, the "and N more" line taking one
 * of them when some are left out.
 */
export function shownReadingRows(count: number, maxRows: number = MAX_READING_ROWS): number {
  return count > maxRows ? Math.max(1, maxRows - 1) : count;
}

export function comingSoonSettlesAt(
  cues: Choreography,
  count: number,
  layout: Template['comingSoon']['layout'],
  maxRows: number,
): number {
  const table = cues.comingSoon;
  const shown = layout === 'single' ? Math.min(1, count) : shownReadingRows(count, maxRows);
  const more = shown < count ? [table.more(shown)] : [];
  const {heroCover, heroText, heroProgress, heroBar, ...common} = table;
  if (shown === 1) {
    return settleOf(common, [heroCover, heroText, heroProgress, heroBar, ...more]);
  }
  const last = Math.max(0, shown - 1);
  return settleOf(common, [table.row(last), table.rowBar(last), table.more(shown)]);
}

export function outroSettlesAt(cues: Choreography): number {
  return settleOf(cues.outro);
}
