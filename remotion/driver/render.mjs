#!/usr/bin/env node
/**
 * The render driver: tornado-render launches this once per render (and once per bundle build).
 *
 * Protocol. One job arrives as a JSON object on stdin (props never travel on the command line: they can be large
 * and would show in `ps`). The driver answers on stdout with one JSON object per line and nothing else:
 *
 *   {"type": "bundle-progress", "progress": 0-100}        as @remotion/bundler reports it
 *   {"type": "bundled", "serveUrl": "..."}                 the bundle is ready (bundled here, or given)
 *   {"type": "render-progress", "progress": 0-1, "renderedFrames": n, "encodedFrames": n}
 *   {"type": "still", "frame": n, "outputPath": "..."}     one per requested still (jobs with `stills`)
 *   {"type": "done", "outputPath": "...", "durationInSeconds": s, "frameCount": n, "framesCaptured": n,
 *    "staticSpans": n, "formats": {"square": {"outputPath", "frameCount", "framesCaptured"}}, "card": "...",
 *    "timings": {...}}                                     final, exit 0 (timings in ms, see `Timings`; formats and
 *                                                          card only when the job asked for them)
 *   {"type": "error", "message": "..."}                    final, exit 1
 *
 * Everything else, Remotion's own logging included, goes to stderr: `console.log` is redirected before Remotion
 * is loaded, and protocol lines are written with `process.stdout.write` directly.
 *
 * Job fields (see docs in README "Render driver"):
 *   outputPath          where the MP4 goes (required unless bundleOnly)
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
 *   captureBeyondViewport  default false: true keeps Remotion's own screenshot mode (see captureWithinViewport)
 *   formats             [{format, outputPath}]: other shapes of the same video (`square`, `landscape`: the props'
 *                       `format`), each rendered after the main one into its own file, in the same browser
 *   card                {outputPath}: the link card too, a JPEG still of the RecapCard composition (1200 x 630)
 *   staticSpans         default true: when the composition declares static spans, capture each distinct frame
 *                       once and repeat it (static-spans.mjs); false renders every frame with renderMedia, as a
 *                       composition without spans always is
 *   concurrency, imageFormat, jpegQuality, x264Preset, crf, timeoutInMilliseconds, logLevel, licenseKey
 *
 * Fonts. Chromium takes the machine's fonts from fontconfig; the driver points it at fontconfig/fonts.conf, which
 * lists no fonts at all, so every glyph comes from the bundle and a recap renders the same on any machine. This
 * happens here, in the environment Chromium inherits (Remotion spawns it with process.env), and does not depend
 * on any variable the driver was started with.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {declaredSpans, framePlan, renderDistinctFrames, STILL_HOLD_ARGS} from './static-spans.mjs';

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

/**
 * Write one protocol line.
 * @param {Message} message
 */
export function emit(message) {
  protocolOut(`${JSON.stringify(message)}\n`);
}

/**
 * Where a render's time goes, in milliseconds since this process started (Node's time origin): `jobRead` (process
 * start and loading the driver), `browserOpen`, `compositionSelected`, `captureStart` (capture called),
 * `firstFrame` and `captureEnd` (the first and the last frame captured), `encoded` (the finished MP4). `timings()`
 * turns them into durations.
 * @type {Record<string, number>}
 */
const marks = {};
/** @param {string} name */
function mark(name) {
  marks[name] = Math.round(performance.now());
}

/**
 * The marks as durations (ms): startup, browser, selectComposition, firstFrame (the tabs opening and loading the
 * bundle, and the first frame), capture (first to last frame), encodeTail, card (the link card's still, when asked
 * for), total. With other shapes, the capture marks are those of the last video.
 */
function timings() {
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
    total: Math.round(performance.now()),
  };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '..');

process.env.FONTCONFIG_FILE = path.join(here, 'fontconfig', 'fonts.conf');
// Both would change what FONTCONFIG_FILE means: a search path for it, and a root prepended to every path in it.
delete process.env.FONTCONFIG_PATH;
delete process.env.FONTCONFIG_SYSROOT;
/** The one font fonts.conf gives Chromium (its <dir>); without any font Chromium fails web fonts at random. */
const LAST_RESORT_FONT = path.join(
  projectRoot,
  'node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
);

/** @returns {Job} */
function readJob() {
  const text = readFileSync(0, 'utf8');
  let job;
  try {
    job = JSON.parse(text);
  } catch (error) {
    throw new Error(`the job on stdin is not valid JSON: ${describe(error)}`);
  }
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
  if (!job.bundleOnly && (job.inputProps === null || typeof job.inputProps !== 'object')) {
    throw new Error('the job needs "inputProps" (an object)');
  }
  return job;
}

/** Report bundle progress as integers that never decrease (webpack reports fractions, sometimes twice). */
function bundleProgressReporter() {
  let last = -1;
  return (/** @type {number} */ progress) => {
    const value = Math.max(0, Math.min(100, Math.floor(progress)));
    if (value > last) {
      last = value;
      emit({type: 'bundle-progress', progress: value});
    }
  };
}

/**
 * @param {Job} job
 * @returns {Promise<string>}
 */
async function obtainServeUrl(job) {
  if (typeof job.serveUrl === 'string' && job.serveUrl !== '') {
    emit({type: 'bundle-progress', progress: 100});
    return job.serveUrl;
  }
  const {bundle} = await import('@remotion/bundler');
  const report = bundleProgressReporter();
  report(0);
  const serveUrl = await bundle({
    entryPoint: path.join(projectRoot, 'src', 'index.ts'),
    outDir: job.bundleOutDir ?? undefined,
    enableCaching: false,
    onProgress: report,
  });
  if (job.bundleOnly && job.bundleOutDir) {
    // The preview is an extra of the bundle: a preview that does not build is reported, never a failed bundle
    // (videos are rendered without it).
    try {
      const {buildPreview} = await import('../scripts/build-preview.mjs');
      await buildPreview(path.join(job.bundleOutDir, 'preview'));
    } catch (error) {
      console.error(error);
      emit({type: 'preview-failed', message: error instanceof Error ? error.message : String(error)});
    }
  }
  report(100);
  return serveUrl;
}

/**
 * What every Remotion call of one job shares: the bundle, the props, the open browser.
 * @typedef {object} Session
 * @property {{serveUrl: string, inputProps: Record<string, unknown>, puppeteerInstance: import('@remotion/renderer').HeadlessBrowser, browserExecutable: string, logLevel: import('@remotion/renderer').LogLevel, timeoutInMilliseconds: number}} common
 * @property {import('remotion').VideoConfig} composition
 */

/**
 * Open the browser, select the composition, run `work` with both, and close the browser whatever happens. A
 * browser that dies meanwhile fails the job at once instead of leaving Remotion waiting for frames.
 * @template T
 * @param {Job} job
 * @param {string} serveUrl
 * @param {(session: Session) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function withComposition(job, serveUrl, work) {
  const {openBrowser, selectComposition} = await import('@remotion/renderer');
  if (typeof job.browserExecutable !== 'string' || job.browserExecutable === '') {
    throw new Error('the job needs "browserExecutable": this driver never downloads a browser');
  }
  if (!existsSync(LAST_RESORT_FONT)) {
    throw new Error(`the browser's only system font is missing (${LAST_RESORT_FONT}): run npm ci in remotion/`);
  }
  const logLevel = job.logLevel ?? 'warn';
  mark('browserStart');
  const browser = await openBrowser('chrome', {
    browserExecutable: job.browserExecutable,
    chromiumOptions: {gl: job.gl ?? null},
    logLevel,
  });
  mark('browserOpen');
  const browserLost = watchBrowser(browser);
  try {
    const common = {
      serveUrl,
      inputProps: job.inputProps ?? {},
      puppeteerInstance: browser,
      browserExecutable: job.browserExecutable,
      logLevel,
      timeoutInMilliseconds: job.timeoutInMilliseconds ?? 30000,
    };
    const composition = await Promise.race([
      selectComposition({...common, id: job.compositionId ?? 'MonthlyRecap'}),
      browserLost.promise,
    ]);
    mark('compositionSelected');
    return await Promise.race([work({common, composition}), browserLost.promise]);
  } finally {
    browserLost.stop();
    await browser.close({silent: true}).catch(() => undefined);
  }
}

/**
 * The video of the job's props (the story, or the shape its props ask for), then each other shape the job asks for
 * (`formats`: the same props in another `format`, each its own video), then the link card (`card`: a still of the
 * RecapCard composition), in one open browser. Progress runs 0..1 once over all of them, weighted by the frames each
 * captures (the card counts as CARD_WEIGHT frames).
 * @param {Job} job
 * @param {string} serveUrl
 */
async function render(job, serveUrl) {
  const {selectComposition} = await import('@remotion/renderer');
  return withComposition(job, serveUrl, async (session) => {
    const imageFormat = job.imageFormat ?? 'jpeg';
    const extra = await Promise.all(
      (job.formats ?? []).map(async ({format, outputPath}) => {
        const inputProps = {...session.common.inputProps, format};
        const composition = await selectComposition({...session.common, inputProps, id: job.compositionId ?? 'MonthlyRecap'});
        return {format, outputPath, session: {common: {...session.common, inputProps}, composition}};
      }),
    );
    const videos = [{format: null, outputPath: /** @type {string} */ (job.outputPath), session}, ...extra];
    const spansOf = (/** @type {Session} */ one) =>
      job.staticSpans === false || imageFormat === 'none' ? [] : declaredSpans(one.composition);
    const weights = videos.map(({session: one}) => framePlan(one.composition.durationInFrames, spansOf(one)).frames.length);
    const total = weights.reduce((sum, weight) => sum + weight, 0) + (job.card ? CARD_WEIGHT : 0);
    if (videos.some(({session: one}) => spansOf(one).length > 0) && job.captureBeyondViewport !== true) {
      captureWithinViewport(session.common.puppeteerInstance);
    }
    /** @type {Record<string, {outputPath: string, frameCount: number, framesCaptured: number}>} */
    const formats = {};
    let done = 0;
    let main = {framesCaptured: 0};
    for (const [index, video] of videos.entries()) {
      const before = done;
      const report = (/** @type {{progress: number, renderedFrames: number, encodedFrames: number}} */ progress) =>
        emit({...progress, type: 'render-progress', progress: Math.min(0.99, (before + progress.progress * weights[index]) / total)});
      const result = await renderOne(job, video.session, video.outputPath, spansOf(video.session), report);
      done += weights[index];
      if (video.format === null) {
        main = result;
      } else {
        formats[video.format] = {
          outputPath: video.outputPath,
          frameCount: video.session.composition.durationInFrames,
          framesCaptured: result.framesCaptured,
        };
      }
    }
    if (job.card) {
      mark('cardStart');
      await renderCard(job, session, job.card.outputPath);
      mark('cardEnd');
      emit({type: 'render-progress', progress: 0.99, renderedFrames: done, encodedFrames: done});
    }
    emit({type: 'render-progress', progress: 1, renderedFrames: total, encodedFrames: total});
    const {composition} = session;
    return {
      outputPath: job.outputPath,
      durationInSeconds: composition.durationInFrames / composition.fps,
      frameCount: composition.durationInFrames,
      framesCaptured: main.framesCaptured,
      staticSpans: spansOf(session).length,
      ...(extra.length > 0 ? {formats} : {}),
      ...(job.card ? {card: job.card.outputPath} : {}),
      timings: timings(),
    };
  });
}

/** What the link card weighs in the progress, in captured frames: a still costs about as much as a few frames. */
const CARD_WEIGHT = 8;

/**
 * One video: each distinct frame once when its composition declares static spans, else every frame.
 * @param {Job} job
 * @param {Session} session
 * @param {string} outputPath
 * @param {import('./static-spans.mjs').StaticSpan[]} spans
 * @param {(progress: {progress: number, renderedFrames: number, encodedFrames: number}) => void} onProgress
 * @returns {Promise<{framesCaptured: number}>}
 */
async function renderOne(job, session, outputPath, spans, onProgress) {
  const imageFormat = job.imageFormat ?? 'jpeg';
  if (spans.length > 0 && imageFormat !== 'none') {
    const result = await renderDistinctFrames(session, spans, {
      outputPath,
      concurrency: job.concurrency ?? null,
      imageFormat,
      jpegQuality: job.jpegQuality ?? undefined,
      x264Preset: job.x264Preset ?? null,
      crf: job.crf ?? null,
      onProgress,
      mark,
    });
    await registerUsage(job.licenseKey ?? null);
    return result;
  }
  return renderEveryFrame({...job, outputPath}, session, onProgress);
}

/**
 * The link card: a JPEG still of RecapCard with the job's props.
 * @param {Job} job
 * @param {Session} session
 * @param {string} outputPath
 */
async function renderCard(job, session, outputPath) {
  const {renderStill, selectComposition} = await import('@remotion/renderer');
  const composition = await selectComposition({...session.common, id: 'RecapCard'});
  await renderStill({
    ...session.common,
    composition,
    frame: 0,
    output: outputPath,
    imageFormat: 'jpeg',
    jpegQuality: CARD_JPEG_QUALITY,
    overwrite: true,
    licenseKey: job.licenseKey ?? null,
  });
}

/** The card is looked at closely (chat previews show it large): a high JPEG quality, still well under 200 KB. */
const CARD_JPEG_QUALITY = 90;

/**
 * Every frame captured by renderMedia: the path for compositions without static spans, and with `staticSpans: false`.
 * @param {Job} job
 * @param {Session} session
 * @param {(progress: {progress: number, renderedFrames: number, encodedFrames: number}) => void} onProgress
 * @returns {Promise<{framesCaptured: number}>}
 */
async function renderEveryFrame(job, {common, composition}, onProgress) {
  const {renderMedia, RenderInternals} = await import('@remotion/renderer');
  // renderMedia refuses more tabs than cores; the distinct-frames path takes more (see splitTabs).
  const concurrency = job.concurrency == null ? null : Math.min(job.concurrency, RenderInternals.getMaxConcurrency());
  let lastProgress = -1;
  mark('captureStart');
  await renderMedia({
    ...common,
    composition,
    codec: 'h264',
    outputLocation: /** @type {string} */ (job.outputPath),
    overwrite: true,
    concurrency,
    imageFormat: job.imageFormat ?? 'jpeg',
    ...(job.jpegQuality == null ? {} : {jpegQuality: job.jpegQuality}),
    ...(job.x264Preset == null ? {} : {x264Preset: job.x264Preset}),
    ...(job.crf == null ? {} : {crf: job.crf}),
    licenseKey: job.licenseKey ?? null,
    // Limited-range BT.709, flagged, as the distinct-frames encoder writes it (static-spans.mjs BT709_ARGS), and
    // `-profile:v high` as there (renderMedia has no option for the profile: its encoder's arguments get it).
    colorSpace: 'bt709',
    ffmpegOverride: ({args}) => withStillHoldArgs(args),
    onProgress: ({progress, renderedFrames, encodedFrames}) => {
      if (renderedFrames > 0 && marks.firstFrame === undefined) {
        mark('firstFrame');
      }
      if (renderedFrames === composition.durationInFrames && marks.captureEnd === undefined) {
        mark('captureEnd');
      }
      if (progress > lastProgress) {
        lastProgress = progress;
        onProgress({progress, renderedFrames, encodedFrames});
      }
    },
  });
  mark('encoded');
  return {framesCaptured: composition.durationInFrames};
}

/**
 * An ffmpeg run of renderMedia's with the distinct-frame path's `-profile:v high -bf 0` (STILL_HOLD_ARGS) before its
 * output (the last argument) when it encodes H.264 (the pre-stitcher does; the stitcher that follows copies the
 * stream), so both paths encode a hold the same way.
 * @param {string[]} args
 */
function withStillHoldArgs(args) {
  return args.includes('libx264') ? [...args.slice(0, -1), ...STILL_HOLD_ARGS, ...args.slice(-1)] : args;
}

/**
 * What renderMedia does after a render when given a licence key (renderFrames, used for static spans, does not):
 * report one cloud render to Remotion. A failed report is logged, never fatal, as in renderMedia.
 * @param {string | null} licenseKey
 */
async function registerUsage(licenseKey) {
  if (licenseKey === null) {
    return;
  }
  const {registerUsageEvent} = await import('@remotion/licensing');
  await registerUsageEvent({
    licenseKey: licenseKey === 'free-license' ? null : licenseKey,
    event: 'cloud-render',
    host: null,
    succeeded: true,
    isStill: false,
    isProduction: true,
  }).catch((error) => console.error('Failed to send the Remotion usage event', error));
}

/**
 * Render single frames as PNG files, one `still` message each, in one open browser.
 * @param {Job} job
 * @param {string} serveUrl
 */
async function renderStills(job, serveUrl) {
  const {renderStill, selectComposition} = await import('@remotion/renderer');
  const stills = job.stills ?? [];
  return withComposition(job, serveUrl, async ({common, composition}) => {
    if (job.captureBeyondViewport !== true) {
      captureWithinViewport(common.puppeteerInstance);
    }
    for (const still of stills) {
      const inputProps = still.inputProps ?? common.inputProps;
      const selected =
        still.inputProps === undefined
          ? composition
          : await selectComposition({...common, inputProps, id: job.compositionId ?? 'MonthlyRecap'});
      if (still.frame >= selected.durationInFrames) {
        throw new Error(`frame ${still.frame} is past the end (${selected.durationInFrames} frames)`);
      }
      await renderStill({
        ...common,
        inputProps,
        composition: selected,
        frame: still.frame,
        output: still.outputPath,
        imageFormat: 'png',
        scale: job.scale ?? 1,
        overwrite: true,
        licenseKey: job.licenseKey ?? null,
      });
      emit({type: 'still', frame: still.frame, outputPath: still.outputPath});
    }
    return {
      stills: stills.length,
      durationInSeconds: composition.durationInFrames / composition.fps,
      frameCount: composition.durationInFrames,
      staticSpans: declaredSpans(composition),
    };
  });
}

/**
 * Screenshots without Chromium's "capture beyond viewport" mode. Remotion asks for it on every frame although its
 * pages are exactly the composition's size, so the picture is the same (within a level or two of JPEG rounding);
 * but in that mode Chromium resizes the view for each screenshot and lays out and rasters the page again: measured
 * here, about 13 % of the CPU a MonthlyRecap frame costs (Chromium and node, 115 -> 100 ms per frame).
 *
 * The distinct-frames path and stills use it (a span test then compares frames captured as a render captures
 * them); renderMedia's path (`staticSpans: false`, or a composition without spans) is left exactly as it was. It
 * wraps the DevTools session of every page the browser opens, a reach into Remotion's pinned internals
 * (`_createPageInContext`, `page._client()`), like watchBrowser; if they change, nothing is wrapped and frames are
 * captured as before. `captureBeyondViewport: true` in the job turns it off.
 * @param {import('@remotion/renderer').HeadlessBrowser} browser
 */
function captureWithinViewport(browser) {
  /** @type {{_createPageInContext?: (...args: unknown[]) => Promise<any>}} */
  const internals = /** @type {any} */ (browser);
  const create = internals._createPageInContext;
  if (typeof create !== 'function') {
    return;
  }
  internals._createPageInContext = async (...args) => {
    const page = await create.apply(browser, args);
    /** @type {{send?: (method: string, params?: Record<string, unknown>, ...rest: unknown[]) => unknown} | undefined} */
    const client = page?._client?.();
    const send = client?.send;
    if (client && typeof send === 'function') {
      client.send = (method, params, ...rest) =>
        send.call(
          client,
          method,
          method === 'Page.captureScreenshot' && params?.clip ? {...params, captureBeyondViewport: false} : params,
          ...rest,
        );
    }
    return page;
  };
}

/**
 * A promise that rejects when the connection to Chromium drops while we still need it. Remotion does not notice a
 * browser that died mid-render (it waits for frames that never come), so the driver watches the DevTools
 * transport itself. This reaches into Remotion's pinned internals (`connection.transport.onclose`); if they
 * change, the watch silently does nothing and the server's render timeout remains the safety net.
 * @param {import('@remotion/renderer').HeadlessBrowser} browser
 */
function watchBrowser(browser) {
  let watching = true;
  /** @type {(error: Error) => void} */
  let fail = () => undefined;
  /** @type {Promise<never>} */
  const promise = new Promise((_, reject) => {
    fail = reject;
  });
  promise.catch(() => undefined);
  /** @type {{onclose?: (() => void)} | undefined} */
  const transport = /** @type {any} */ (browser).connection?.transport;
  if (transport) {
    const previous = transport.onclose;
    transport.onclose = () => {
      previous?.call(null);
      if (watching) {
        fail(new Error('the browser closed unexpectedly (it crashed or was killed)'));
      }
    };
  }
  return {
    promise,
    stop: () => {
      watching = false;
    },
  };
}

/** @param {unknown} error */
function describe(error) {
  if (error instanceof Error) {
    return error.message.split('\n')[0] || error.name;
  }
  return String(error);
}

async function main() {
  let job;
  try {
    job = readJob();
    mark('jobRead');
    const serveUrl = await obtainServeUrl(job);
    emit({type: 'bundled', serveUrl});
    if (job.bundleOnly) {
      emit({type: 'done', serveUrl});
      return 0;
    }
    const result = Array.isArray(job.stills) ? await renderStills(job, serveUrl) : await render(job, serveUrl);
    emit({type: 'done', ...result});
    return 0;
  } catch (error) {
    console.error(error);
    emit({type: 'error', message: describe(error)});
    return 1;
  }
}

// Exit explicitly: Remotion can leave handles open. Pipe writes are synchronous on Linux, so nothing is lost.
process.exit(await main());
