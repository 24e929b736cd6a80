/**
 * When things move, scene by scene: every entrance of every scene is a cue (the frame it starts at, relative to its
 * scene's first frame, and how many frames it takes), and each scene ends with a fade.
 *
 * The components animate from these cues (through the hooks in motion.ts), and timeline.ts derives from the same
 * cues the frame from which a scene stops moving, so the render driver can capture that still picture once and hold
 * it until the exit fade (see `staticSpans` in timeline.ts). Nothing here imports React or Remotion: the timeline
 * is also evaluated outside the browser (scripts/calculate-duration.mjs).
 *
 * The numbers below are the design at the default timing. A template's timing stretches them (`choreographyFor`):
 * an entrance part (introFadeIn, bookSlideIn, ...) scales the cues it governs by its value over its default, so the
 * default template gives exactly these cues, and a slower fade-in is the same motion, slower.
 *
 * A scene's settle frame is the latest settle frame of the cues it lists. A cue a component uses without it being
 * listed here would declare a moving frame static; tests/test_static_spans.py renders both ends of every declared
 * span and fails when they differ.
 */
import {DEFAULT_TEMPLATE, type Template} from '../../template/template';

/** Frames of a spring when a cue does not say otherwise. */
export const SPRING_FRAMES = 22;

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

/**
 * Frames of a scene's exit fade, from its last frame at full opacity to its last frame, which shows nothing. A
 * fade of 1 frame behaves as 2: the last frame is blank, the one before it whole.
 */
export function fadeFrames(fadeOut: number): number {
  return Math.max(2, Math.round(fadeOut));
}

/** The last frame of a scene at full opacity: its fade-out starts right after it. */
export function fadeStartsAt(durationInFrames: number, fadeOut: number): number {
  return durationInFrames - fadeFrames(fadeOut);
}

/** The scene's last frame, where its fade reaches opacity 0: nothing of the scene shows. */
export function fadeEndsAt(durationInFrames: number): number {
  return durationInFrames - 1;
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

const INTRO = {
  eyebrow: spring(0),
  month: spring(4),
  year: spring(10),
  rule: spring(14, 24),
  count: spring(18),
  shelfBoard: spring(16, 20),
  spine: (index: number): Cue => spring(20 + index * 3, 24),
};

/** Stats: every entrance counts, whether or not its element is shown (a month without a top book settles no later). */
const STATS = {
  eyebrow: spring(0),
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

const CURRENTLY_READING = {
  eyebrow: spring(0),
  heading: spring(2),
  /** One book gets the whole stage. */
  heroCover: spring(6),
  heroText: spring(12),
  heroProgress: spring(16),
  heroBar: tween(18, 30),
  /** Two or more: a row (or a grid cell) each, then "and N more" when they do not fit. */
  row: (index: number): Cue => spring(8 + index * 5),
  rowBar: (index: number): Cue => tween(14 + index * 5, 30),
  more: (shownRows: number): Cue => spring(8 + shownRows * 5),
};

const OUTRO = {
  badge: spring(0, 20),
  heading: spring(4),
  line: spring(9),
  summary: spring(14),
};

/** The default values of the entrance parts: the cues above are the design at exactly these. */
const DEFAULT_TIMING = DEFAULT_TEMPLATE.global.timing;

// ---------------------------------------------------------------------------------------------------------------
// A template's choreography

export interface Choreography {
  intro: typeof INTRO;
  book: {eyebrow: Cue; cover: Cue; badge: Cue; title: Cue; rating: Cue; authors: Cue; pages: Cue};
  /** Only for a rated book: the block, the average counting up, its stars filling, one bar per sub-score. */
  bookRating: {block: Cue; average: Cue; stars: Cue; bar: (index: number) => Cue};
  /** The `grid` book layout: every book in one scene, a cell each. */
  bookGrid: {eyebrow: Cue; heading: Cue; cell: (index: number) => Cue};
  stats: typeof STATS;
  currentlyReading: typeof CURRENTLY_READING;
  outro: typeof OUTRO;
  /** Exit-fade frames of each kind of scene (the template's *FadeOut / bookExit). */
  fades: {intro: number; book: number; stats: number; comingSoon: number; outro: number};
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
  const titleStart = Math.round(8 * slide);
  const ratingStart = Math.round(9 * slide);
  const countUp = ratio('statsCountUp');
  return {
    intro: stretchTable(INTRO, ratio('introFadeIn')),
    book: {
      eyebrow: stretch(spring(0), slide),
      cover: stretch(spring(0, 24), slide),
      badge: stretch(spring(6), slide),
      title: stretch(spring(8), title, 8, titleStart),
      authors: stretch(spring(12), title, 8, titleStart),
      pages: stretch(spring(13), title, 8, titleStart),
      rating: stretch(spring(9), count, 9, ratingStart),
    },
    bookRating: {
      block: stretch(spring(9), count, 9, ratingStart),
      average: stretch(tween(10, 26), count, 9, ratingStart),
      stars: stretch(spring(14, 30), count, 9, ratingStart),
      bar: (index: number) => stretch(tween(18 + index * 3, 18), count, 9, ratingStart),
    },
    bookGrid: {
      eyebrow: stretch(spring(0), slide),
      heading: stretch(spring(2), slide),
      cell: (index: number) => stretch(spring(6 + Math.min(index, GRID_STAGGERED_CELLS) * 2, 24), slide),
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
    currentlyReading: stretchTable(CURRENTLY_READING, ratio('comingSoonFadeIn')),
    outro: stretchTable(OUTRO, ratio('outroFadeIn')),
    fades: {
      intro: timing.introFadeOut,
      book: timing.bookExit,
      stats: timing.statsFadeOut,
      comingSoon: timing.comingSoonFadeOut,
      outro: timing.outroFadeOut,
    },
  };
}

export function introSettlesAt(cues: Choreography, bookCount: number, withShelf: boolean): number {
  const spines = withShelf ? Math.min(bookCount, MAX_SPINES) : 0;
  const {shelfBoard, ...withoutShelf} = cues.intro;
  return spines === 0 ? settleOf(withoutShelf) : settleOf(cues.intro, [shelfBoard, cues.intro.spine(spines - 1)]);
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

/** Rows that fit between the "currently reading" heading and the bottom safe margin, by default. */
export const MAX_READING_ROWS = DEFAULT_TEMPLATE.comingSoon.maxBooks;

/**
 * How many books get a row (or a cell) of their own when at most `maxRows` fit, the "and N more" line taking one
 * of them when some are left out.
 */
export function shownReadingRows(count: number, maxRows: number = MAX_READING_ROWS): number {
  return count > maxRows ? Math.max(1, maxRows - 1) : count;
}

export function currentlyReadingSettlesAt(
  cues: Choreography,
  count: number,
  layout: Template['comingSoon']['layout'],
  maxRows: number,
): number {
  const table = cues.currentlyReading;
  const shown = layout === 'single' ? Math.min(1, count) : shownReadingRows(count, maxRows);
  const more = shown < count ? [table.more(shown)] : [];
  const {heroCover, heroText, heroProgress, heroBar, ...common} = table;
  if (shown === 1 && layout !== 'grid') {
    return settleOf(common, [heroCover, heroText, heroProgress, heroBar, ...more]);
  }
  const last = Math.max(0, shown - 1);
  return settleOf(common, [table.row(last), table.rowBar(last), table.more(shown)]);
}

export function outroSettlesAt(cues: Choreography): number {
  return settleOf(cues.outro);
}
