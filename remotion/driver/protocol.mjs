/**
 * The driver's protocol with tornado-render: one job in on stdin, JSON lines out on stdout (render.mjs is the
 * program; tornado_render/render/driver.py the other side, whose MESSAGE_TYPES are these; tests/support/fake_driver.py
 * a stand-in that speaks it).
 *
 * One job arrives as a JSON object on stdin (props never travel on the command line: they can be large and would
 * show in `ps`). The driver answers on stdout with one JSON object per line and nothing else:
 *
 *   {"type": "bundle-progress", "progress": 0-100}        as @remotion/bundler reports it
 *   {"type": "preview-failed", "message": "..."}          the browser preview did not build (the bundle is still done)
 *   {"type": "bundled", "serveUrl": "..."}                 the bundle is ready (bundled here, or given)
 *   {"type": "render-progress", "progress": 0-1, "renderedFrames": n, "encodedFrames": n}
 *   {"type": "still", "frame": n, "outputPath": "..."}     one per requested still (jobs with `stills`)
 *   {"type": "done", "outputPath": "...", "durationInSeconds": s, "frameCount": n, "framesCaptured": n,
 *    "staticSpans": n, "formats": {"square": {"outputPath", "frameCount", "framesCaptured"}}, "card": "...",
 *    "timings": {...}}                                     final, exit 0 (timings in ms, see timings.mjs; formats and
 *                                                          card only when the job asked for them)
 *   {"type": "error", "message": "..."}                    final, exit 1
 *
 * A warm driver (warm.mjs) writes the same lines, each with its job's id as `job`, and `browserPid` in `done`.
 *
 * A driver stopped by SIGTERM or SIGINT writes no final line: it cancels what it is rendering, closes its browser
 * and dies by that signal (cancel.mjs).
 *
 * Everything else, Remotion's own logging included, goes to stderr: importing this module redirects `console.log`
 * and `process.stdout.write` before Remotion is loaded, and protocol lines are written with the original write.
 *
 * Job fields (see docs/ARCHITECTURE.md "Render driver"):
 *   outputPath          where the MP4 goes (required unless bundleOnly or stills)
 *   inputProps          the MonthlyRecap props (a MonthlyRecapExport)
 *   compositionId       default "MonthlyRecap"
 *   serveUrl            an already built bundle (directory or URL); without it the driver bundles src/index.ts
 *   bundleOnly          bundle into bundleOutDir, print "bundled" and "done", render nothing; the bundle gets the
 *                       browser preview too (bundleOutDir/preview/, scripts/build-preview.mjs; if that fails, a
 *                       "preview-failed" message says why and the bundle is still done)
 *   bundleOutDir        where to write the bundle (default: a temporary directory)
 *   stills              [{frame, outputPath, inputProps?}]: render these frames as PNG images instead of a video
 *                       (renderStill in one open browser); a still with its own inputProps (another template) is
 *                       of the composition for those props. Thumbnails and the tests' frame checks use this
 *   scale               stills only: the images' scale (default 1; 0.25 gives 270 x 480)
 *   browserExecutable   path of a headless Chromium (required: this driver never downloads a browser)
 *   captureBeyondViewport  default false: true keeps Remotion's own screenshot mode (session.mjs captureWithinViewport)
 *   formats             [{format, outputPath}]: other shapes of the same video (`square`, `landscape`: the props'
 *                       `format`), each rendered after the main one into its own file, in the same browser
 *   card                {outputPath}: the link card too, a JPEG still of the RecapCard composition (1200 x 630)
 *   frameRange          [first, last]: only these frames (inclusive) of each video, a chunk of a longer render
 *                       (tornado_render/render/chunks.py joins the chunks); `done` then counts the chunk's frames
 *                       and echoes `frameRange`
 *   chunk               {index, count}: chunk `index` (from 0) of `count`, the frames of equal work (a capture costs more
 *                       than a held frame: static-spans.mjs chunkRange), as a `frameRange`
 *   staticSpans         default true: when the composition declares static spans, capture each distinct frame
 *                       once and repeat it (static-spans.mjs); false renders every frame with renderMedia, as a
 *                       composition without spans always is
 *   concurrency, imageFormat, jpegQuality, x264Preset, crf, timeoutInMilliseconds, logLevel, licenseKey, gl
 */
import {readFileSync} from 'node:fs';

/** Every message type the driver writes: tornado_render/render/driver.py MESSAGE_TYPES reads exactly these. */
export const MESSAGE_TYPES = Object.freeze([
  'bundle-progress',
  'preview-failed',
  'bundled',
  'render-progress',
  'still',
  'done',
  'error',
]);

/** @typedef {{type: string, [key: string]: unknown}} Message */
/**
 * @typedef {object} Job
 * @property {string} [outputPath]
 * @property {Record<string, unknown>} [inputProps]
 * @property {string} [compositionId]
 * @property {string} [serveUrl]
 * @property {boolean} [bundleOnly]
 * @property {string} [bundleOutDir]
 * @property {string} [browserExecutable]
 * @property {number | null} [concurrency]
 * @property {'jpeg' | 'png' | 'none'} [imageFormat]
 * @property {number} [jpegQuality]
 * @property {import('@remotion/renderer').X264Preset} [x264Preset]
 * @property {number} [crf]
 * @property {number} [timeoutInMilliseconds]
 * @property {import('@remotion/renderer').LogLevel} [logLevel]
 * @property {string | null} [licenseKey]
 * @property {import('@remotion/renderer').ChromiumOptions['gl']} [gl]
 * @property {Array<{frame: number, outputPath: string, inputProps?: Record<string, unknown>}>} [stills]
 * @property {number} [scale]
 * @property {boolean} [staticSpans]
 * @property {[number, number] | null} [frameRange]
 * @property {{index: number, count: number} | null} [chunk]
 * @property {boolean} [captureBeyondViewport]
 * @property {Array<{format: string, outputPath: string}>} [formats]
 * @property {{outputPath: string}} [card]
 */

const protocolOut = process.stdout.write.bind(process.stdout);
/** @param {...unknown} args */
const toStderr = (...args) => console.error(...args);
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;
console.warn = toStderr;
// Anything else writing to stdout (a dependency calling process.stdout.write) is moved to stderr too.
// @ts-expect-error -- the overloads of write() cannot be restated in JSDoc; this forwards them unchanged.
process.stdout.write = (chunk, encoding, callback) => process.stderr.write(chunk, encoding, callback);

/** The job the lines are about, in a warm driver (warm.mjs): each line then carries its id as `job`. */
/** @type {string | null} */
let currentJob = null;

/** @param {string | null} id the job whose lines follow (null: a one-shot driver's one job, no id) */
export function forJob(id) {
  currentJob = id;
}

/**
 * Write one protocol line. Pipe writes are synchronous on Linux: a line is out before the next statement runs.
 * @param {Message} message
 */
export function emit(message) {
  if (!MESSAGE_TYPES.includes(message.type)) {
    throw new Error(`not a protocol message: ${message.type}`);
  }
  protocolOut(`${JSON.stringify(currentJob === null ? message : {...message, job: currentJob})}\n`);
}

/** The one-line reason an `error` message gives. @param {unknown} error */
export function describe(error) {
  if (error instanceof Error) {
    return error.message.split('\n')[0] || error.name;
  }
  return String(error);
}

/**
 * The job on stdin, checked enough to know which kind it is and that the kind has what it needs.
 * @returns {Job}
 */
export function readJob() {
  const text = readFileSync(0, 'utf8');
  let job;
  try {
    job = JSON.parse(text);
  } catch (error) {
    throw new Error(`the job on stdin is not valid JSON: ${describe(error)}`);
  }
  return checkJob(job);
}

/**
 * A parsed job, checked as `readJob` checks it (the warm driver's jobs arrive as one line each).
 * @param {unknown} value
 * @returns {Job}
 */
export function checkJob(value) {
  /** @type {any} */
  const job = value;
  if (job === null || typeof job !== 'object' || Array.isArray(job)) {
    throw new Error('the job on stdin must be a JSON object');
  }
  if (Array.isArray(job.stills)) {
    for (const still of job.stills) {
      if (!Number.isInteger(still?.frame) || still.frame < 0 || typeof still?.outputPath !== 'string') {
        throw new Error('each of "stills" needs an integer "frame" >= 0 and an "outputPath"');
      }
      if (still.inputProps !== undefined && (still.inputProps === null || typeof still.inputProps !== 'object')) {
        throw new Error('a still\'s "inputProps" must be an object');
      }
    }
    if (job.scale !== undefined && !(typeof job.scale === 'number' && job.scale > 0 && job.scale <= 4)) {
      throw new Error('"scale" must be a number above 0, at most 4');
    }
  } else if (!job.bundleOnly && typeof job.outputPath !== 'string') {
    throw new Error('the job needs "outputPath"');
  }
  if (job.frameRange !== undefined && job.frameRange !== null && !isFrameRange(job.frameRange)) {
    throw new Error('"frameRange" must be [first, last]: integers with 0 <= first <= last');
  }
  if (job.chunk !== undefined && job.chunk !== null) {
    const {index, count} = job.chunk;
    if (!(Number.isInteger(index) && Number.isInteger(count) && index >= 0 && index < count)) {
      throw new Error('"chunk" must be {index, count}: integers with 0 <= index < count');
    }
    if (job.frameRange) {
      throw new Error('a job has "chunk" or "frameRange", not both');
    }
  }
  if (!job.bundleOnly && (job.inputProps === null || typeof job.inputProps !== 'object')) {
    throw new Error('the job needs "inputProps" (an object)');
  }
  return job;
}

/** @param {unknown} value */
function isFrameRange(value) {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((frame) => Number.isInteger(frame) && frame >= 0) &&
    value[0] <= value[1]
  );
}
