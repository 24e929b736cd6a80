/**
 * Where a render's time goes, in milliseconds since this process started (Node's time origin), or in a warm driver
 * since the job arrived: `jobRead` (process start and loading the driver; in a warm driver, reading the job), `browserStart` and `browserOpen`, `compositionSelected`, `captureStart` (capture
 * called), `firstFrame` and `captureEnd` (the first and the last frame captured), `encoded` (the finished MP4),
 * `cardStart` and `cardEnd` (the link card). `timings()` turns them into the durations of the `done` message.
 */

/** @type {Record<string, number>} */
export const marks = {};
/** Where the marks count from: the process's start, or in a warm driver (warm.mjs) the job's arrival. */
let origin = 0;

/** Forget the last job's marks and count from now (a warm driver, before each job). */
export function resetMarks() {
  for (const name of Object.keys(marks)) {
    delete marks[name];
  }
  origin = performance.now();
}

/** @param {string} name */
export function mark(name) {
  marks[name] = Math.round(performance.now() - origin);
}

/**
 * The marks as durations (ms): startup, browser, selectComposition, firstFrame (the tabs opening and loading the
 * bundle, and the first frame), capture (first to last frame), encodeTail, card (the link card's still, when asked
 * for), total. With other shapes, the capture marks are those of the last video.
 */
export function timings() {
  /** @param {string} to @param {string} from */
  const between = (to, from) => (marks[to] === undefined || marks[from] === undefined ? null : marks[to] - marks[from]);
  return {
    startup: marks.jobRead ?? null,
    browser: between('browserOpen', 'browserStart'),
    selectComposition: between('compositionSelected', 'browserOpen'),
    firstFrame: between('firstFrame', 'captureStart'),
    capture: between('captureEnd', 'firstFrame'),
    encodeTail: between('encoded', 'captureEnd'),
    card: between('cardEnd', 'cardStart'),
    total: Math.round(performance.now() - origin),
  };
}
