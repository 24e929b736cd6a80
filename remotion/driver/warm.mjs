/**
 * The warm driver (`render.mjs --warm`): one long-lived process per render slot that renders job after job in one
 * open browser, so a render does not pay for starting node, loading Remotion and starting Chromium (WARM_RENDERS in
 * tornado_render/render/warm.py, the other side).
 *
 * stdin carries one JSON object per line:
 *
 *   {"id": "...", "job": {...}}    a job, as render.mjs takes it on stdin (protocol.mjs); jobs run one at a time
 *   {"cancel": "..."}             cancel that job through Remotion's cancel signal (cancel.mjs `cancelJob`); its
 *                                  `error` line says it was cancelled and the browser stays open for the next job
 *
 * stdout carries the protocol's lines (protocol.mjs), each with the job's id as `job`; every job ends with its own
 * `done` or `error`. End of stdin closes the browser and ends the driver (status 0). A failed job leaves the driver
 * running, but the server recycles a driver after any error (a failure may have left the browser in a bad state)
 * and after WARM_RENDERS renders. SIGTERM and SIGINT stop the driver as they stop a one-shot one (cancel.mjs).
 */
import {createInterface} from 'node:readline';
import {beginJob, cancelJob, childPids, endChildren, die, stopOnSignals, stoppedBy} from './cancel.mjs';
import {checkJob, describe, emit, forJob} from './protocol.mjs';
import {obtainServeUrl} from './bundle.mjs';
import {openChrome, useBrowsers} from './session.mjs';
import {renderStills} from './stills.mjs';
import {mark, resetMarks} from './timings.mjs';
import {renderVideo} from './video.mjs';

/**
 * @typedef {object} WarmBrowser
 * @property {import('@remotion/renderer').HeadlessBrowser} browser
 * @property {string} key what it was opened with (executable, gl): a job asking for another gets a new one
 * @property {number | null} pid its process (a child of the driver: Remotion starts it detached, not reparented)
 */

/** @type {WarmBrowser | null} */
let warm = null;

/** Whether the warm browser's process still runs (a browser that died between jobs is replaced, not reused). */
function alive(/** @type {WarmBrowser} */ open) {
  return open.pid === null || childPids().includes(open.pid);
}

/** @type {import('./session.mjs').Browsers} the first job's browser, handed to the next ones while it lives */
const warmBrowsers = {
  open: async (job, logLevel) => {
    const key = JSON.stringify([job.browserExecutable, job.gl ?? null]);
    if (warm !== null && warm.key === key && alive(warm)) {
      return warm.browser;
    }
    await closeBrowser();
    const before = childPids();
    const browser = await openChrome(job, logLevel);
    const started = childPids().filter((pid) => !before.includes(pid));
    warm = {browser, key, pid: started.length === 1 ? started[0] : null};
    return browser;
  },
  release: async () => undefined,
};

async function closeBrowser() {
  const open = warm;
  warm = null;
  if (open !== null) {
    await open.browser.close({silent: true}).catch(() => undefined);
  }
}

/**
 * Read jobs until stdin ends; returns the exit status.
 * @returns {Promise<number>}
 */
export async function serveJobs() {
  stopOnSignals();
  useBrowsers(warmBrowsers);
  /** @type {Array<{id: string, job: unknown}>} */
  const queue = [];
  /** @type {Set<string>} jobs cancelled before they started */
  const cancelled = new Set();
  /** @type {string | null} */
  let running = null;
  let ended = false;
  /** @type {(() => void) | null} */
  let wake = null;
  const lines = createInterface({input: process.stdin, crlfDelay: Infinity});
  lines.on('line', (line) => {
    if (line.trim() === '') {
      return;
    }
    let message;
    try {
      message = JSON.parse(line);
    } catch (error) {
      console.error(`warm driver: a line that is not JSON: ${describe(error)}`);
      return;
    }
    if (typeof message?.cancel === 'string') {
      if (message.cancel === running) {
        cancelJob();
      } else {
        cancelled.add(message.cancel);
      }
      return;
    }
    if (typeof message?.id !== 'string') {
      console.error('warm driver: a line that is neither a job ({"id", "job"}) nor a cancel ({"cancel"})');
      return;
    }
    queue.push({id: message.id, job: message.job});
    wake?.();
  });
  lines.on('close', () => {
    ended = true;
    wake?.();
  });
  for (;;) {
    const next = queue.shift();
    if (next === undefined) {
      if (ended) {
        break;
      }
      await new Promise((resolve) => {
        wake = () => resolve(undefined);
      });
      wake = null;
      continue;
    }
    running = next.id;
    beginJob();
    if (cancelled.delete(next.id)) {
      cancelJob();
    }
    await runJob(next.id, next.job);
    running = null;
  }
  await closeBrowser();
  return 0;
}

/**
 * One job, its lines carrying its id; whatever happens it ends with `done` or `error` (or the driver dies by a
 * signal, as a one-shot one does).
 * @param {string} id
 * @param {unknown} value
 */
async function runJob(id, value) {
  forJob(id);
  resetMarks();
  try {
    const job = checkJob(value);
    mark('jobRead');
    const serveUrl = await obtainServeUrl(job);
    emit({type: 'bundled', serveUrl});
    if (job.bundleOnly) {
      emit({type: 'done', serveUrl});
      return;
    }
    const result = Array.isArray(job.stills) ? await renderStills(job, serveUrl) : await renderVideo(job, serveUrl);
    await stopIfAsked();
    emit({type: 'done', ...result, browserPid: warm?.pid ?? null});
  } catch (error) {
    await stopIfAsked();
    console.error(error);
    // A cancelled renderMedia leaves its ffmpeg waiting for frames (cancel.mjs endChildren): end everything this
    // job started, the browser aside.
    const browser = warm?.pid ?? null;
    await endChildren(browser === null ? [] : [browser]);
    emit({type: 'error', message: describe(error)});
  } finally {
    forJob(null);
  }
}

/** As render.mjs: a driver stopped by a signal dies by it once what it started is gone. */
async function stopIfAsked() {
  const signal = stoppedBy();
  if (signal !== null) {
    await closeBrowser();
    await endChildren();
    console.error(`render driver: cancelled, everything closed: ending by ${signal}`);
    die(signal);
  }
}
