/**
 * One open browser and the selected composition: what every render job (video.mjs, stills.mjs) works in.
 *
 * Fonts. Chromium takes the machine's fonts from fontconfig; importing this module points it at
 * fontconfig/fonts.conf, which lists no fonts at all, so every glyph comes from the bundle (src/fonts/) and a recap
 * renders the same on any machine. This happens here, in the environment Chromium inherits (Remotion spawns it with
 * process.env), and does not depend on any variable the driver was started with.
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {ownSignals, startCancellation} from './cancel.mjs';
import {resolveInNode} from './metadata.mjs';
import {mark} from './timings.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '..');
/** Whether the pages a browser opens capture within the viewport (captureWithinViewport), on the browser itself. */
const WITHIN_VIEWPORT = Symbol('captureWithinViewport');

process.env.FONTCONFIG_FILE = path.join(here, 'fontconfig', 'fonts.conf');
// Both would change what FONTCONFIG_FILE means: a search path for it, and a root prepended to every path in it.
delete process.env.FONTCONFIG_PATH;
delete process.env.FONTCONFIG_SYSROOT;
/** The one font fonts.conf gives Chromium (its <dir>); without any font Chromium fails web fonts at random. */
const LAST_RESORT_FONT = path.join(
  projectRoot,
  'node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
);

/**
 * What every Remotion call of one job shares: the bundle, the props, the open browser; and the job's cancellation
 * (cancel.mjs): its `signal` goes to every renderMedia, renderFrames and renderStill, `check()` runs between steps.
 * @typedef {object} Session
 * @property {{serveUrl: string, inputProps: Record<string, unknown>, puppeteerInstance: import('@remotion/renderer').HeadlessBrowser, browserExecutable: string, logLevel: import('@remotion/renderer').LogLevel, timeoutInMilliseconds: number}} common
 * @property {import('remotion').VideoConfig} composition
 * @property {import('./cancel.mjs').Cancellation} cancellation
 */

/**
 * Where a job's browser comes from and goes back to: by default each job opens its own and closes it; a warm driver
 * (warm.mjs) hands out the one it keeps open between jobs and closes it only when it is recycled.
 * @typedef {object} Browsers
 * @property {(job: import('./protocol.mjs').Job, logLevel: import('@remotion/renderer').LogLevel) => Promise<import('@remotion/renderer').HeadlessBrowser>} open
 * @property {(browser: import('@remotion/renderer').HeadlessBrowser) => Promise<void>} release
 */

/** @type {Browsers} */
let browsers = {
  open: openChrome,
  release: (browser) => browser.close({silent: true}).catch(() => undefined),
};

/** @param {Browsers} provider where every later job gets its browser (warm.mjs) */
export function useBrowsers(provider) {
  browsers = provider;
}

/**
 * A new headless Chromium for the job.
 * @param {import('./protocol.mjs').Job} job
 * @param {import('@remotion/renderer').LogLevel} logLevel
 */
export async function openChrome(job, logLevel) {
  const {openBrowser} = await import('@remotion/renderer');
  return openBrowser('chrome', {
    browserExecutable: job.browserExecutable ?? null,
    chromiumOptions: {gl: job.gl ?? null},
    logLevel,
  });
}

/**
 * Open the browser, select the composition, run `work` with both, and close the browser whatever happens (a warm
 * driver's stays open for its next job: `useBrowsers`). A
 * browser that dies meanwhile fails the job at once instead of leaving Remotion waiting for frames. A cancelled job
 * (cancel.mjs) stops selecting at once; `work` stops by itself, through the cancel signal, so that what it started
 * (ffmpeg, a partial file) is cleaned up before the browser closes.
 * @template T
 * @param {import('./protocol.mjs').Job} job
 * @param {string} serveUrl
 * @param {(session: Session) => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withComposition(job, serveUrl, work) {
  if (typeof job.browserExecutable !== 'string' || job.browserExecutable === '') {
    throw new Error('the job needs "browserExecutable": this driver never downloads a browser');
  }
  if (!existsSync(LAST_RESORT_FONT)) {
    throw new Error(`the browser's only system font is missing (${LAST_RESORT_FONT}): run npm ci in remotion/`);
  }
  const logLevel = job.logLevel ?? 'warn';
  const cancellation = await startCancellation();
  try {
    mark('browserStart');
    const browser = await browsers.open(job, logLevel);
    resetViewportMode(browser);
    mark('browserOpen');
    ownSignals();
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
        compositionFor(common, job.compositionId ?? 'MonthlyRecap'),
        browserLost.promise,
        cancellation.cancelled,
      ]);
      mark('compositionSelected');
      return await Promise.race([work({common, composition, cancellation}), browserLost.promise]);
    } finally {
      browserLost.stop();
      await browsers.release(browser);
    }
  } finally {
    cancellation.release();
  }
}

/**
 * Select the composition for other props in the open browser (another shape, another template), unless cancelled.
 * @param {Session} session
 * @param {Record<string, unknown>} inputProps
 * @param {string} id
 */
export async function selectOther(session, inputProps, id) {
  session.cancellation.check();
  return Promise.race([compositionFor({...session.common, inputProps}, id), session.cancellation.cancelled]);
}

/**
 * The composition `id` for the props in `common`: resolved in Node from the bundle's compiled metadata when it can
 * be (metadata.mjs), else selected in a tab of the open browser.
 * @param {Session['common']} common
 * @param {string} id
 * @returns {Promise<import('remotion').VideoConfig>}
 */
async function compositionFor(common, id) {
  const resolved = await resolveInNode(common.serveUrl, id, common.inputProps);
  if (resolved !== null) {
    return resolved;
  }
  const {selectComposition} = await import('@remotion/renderer');
  return selectComposition({...common, id});
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
export function captureWithinViewport(browser) {
  /** @type {{_createPageInContext?: (...args: unknown[]) => Promise<any>, [WITHIN_VIEWPORT]?: boolean}} */
  const internals = /** @type {any} */ (browser);
  if (internals[WITHIN_VIEWPORT] !== undefined) {
    internals[WITHIN_VIEWPORT] = true; // wrapped by an earlier job of a warm driver
    return;
  }
  const create = internals._createPageInContext;
  if (typeof create !== 'function') {
    return;
  }
  internals[WITHIN_VIEWPORT] = true;
  internals._createPageInContext = async (...args) => {
    const page = await create.apply(browser, args);
    if (!internals[WITHIN_VIEWPORT]) {
      return page;
    }
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
 * A browser kept open between jobs (warm.mjs) starts each job in Remotion's own screenshot mode: the job turns
 * captureWithinViewport on again if it wants it.
 * @param {import('@remotion/renderer').HeadlessBrowser} browser
 */
function resetViewportMode(browser) {
  /** @type {{[WITHIN_VIEWPORT]?: boolean}} */
  const internals = /** @type {any} */ (browser);
  if (internals[WITHIN_VIEWPORT] !== undefined) {
    internals[WITHIN_VIEWPORT] = false;
  }
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
