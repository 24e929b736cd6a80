/**
 * Stopping the driver cleanly. tornado-render stops a render it no longer wants (a timeout, an orphaned job, a
 * shutdown) with SIGTERM to the driver's process group, and SIGKILLs whatever is left after a grace period
 * (TERMINATE_GRACE_SECONDS in tornado_render/render/driver.py; every process of the job, the detached Chromium
 * included, carries a marker it kills by). The kill stays the last resort; SIGTERM (or SIGINT, by hand) is a request:
 *
 *   - while a browser is open (session.mjs), the render is cancelled through Remotion's `makeCancelSignal`:
 *     renderMedia, renderFrames and renderStill stop capturing, end their ffmpeg and reject; the distinct-frames
 *     encoder is killed and its temporary directory removed (static-spans.mjs); the browser is closed; then the
 *     driver dies by the same signal, writing no final line (a job stopped from outside has no result to report);
 *   - before that (reading the job, bundling: nothing to cancel or close) the driver dies by the signal at once;
 *   - a cancellation that takes longer than CANCEL_GRACE_MS, or a second signal, ends the driver at once.
 *
 * Before this, Remotion's own listeners (ownSignals) answered SIGTERM mid-render by closing the browser under the
 * render, which then failed with "the browser closed unexpectedly", and SIGINT by exiting with status 130 at once.
 * Now the exit status is the signal's whenever the driver was signalled, and the job is cancelled the same way by
 * tornado-render, by systemd or from a terminal.
 */
import {constants} from 'node:os';

/** Less than the server's TERMINATE_GRACE_SECONDS (3 s), so a slow cancellation still dies before the SIGKILL. */
export const CANCEL_GRACE_MS = 2000;

/** @type {NodeJS.Signals | null} */
let stopSignal = null;
/** @type {(() => void) | null} the running render's cancel, while a browser is open */
let cancelRender = null;

/**
 * A cancellation for one open browser: `signal` for Remotion's render functions, `cancelled` (rejects when the job
 * is cancelled) to race what takes no signal, `check()` to throw between steps, `release()` when the browser is
 * closed.
 * @typedef {object} Cancellation
 * @property {import('@remotion/renderer').CancelSignal} signal
 * @property {Promise<never>} cancelled
 * @property {() => void} check
 * @property {() => void} release
 */

/** @type {Map<NodeJS.Signals, () => void>} our handler of each signal */
const handlers = new Map();

/** Handle SIGTERM and SIGINT as described above (once each: a second one gets Node's default, death). */
export function stopOnSignals() {
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGTERM', 'SIGINT'])) {
    const handler = () => stop(signal);
    handlers.set(signal, handler);
    process.once(signal, handler);
  }
}

/**
 * Take SIGTERM and SIGINT back from whoever else listens: Remotion's openBrowser adds listeners that close the
 * browser at once on SIGTERM, and on SIGINT kill it and exit with status 130, which would race the cancellation
 * (a render whose browser vanished fails on its own, and on SIGINT the driver would exit before anything is
 * cleaned up). The driver closes its browser itself (session.mjs), after the render has stopped.
 */
export function ownSignals() {
  for (const [signal, handler] of handlers) {
    for (const listener of process.listeners(signal)) {
      if (listener !== handler) {
        process.removeListener(signal, /** @type {(...args: any[]) => void} */ (listener));
      }
    }
  }
}

/** The signal the driver was asked to stop by, if any. */
export function stoppedBy() {
  return stopSignal;
}

/**
 * Die by the signal that stopped the driver, our own handlers gone (so its exit status is that signal's).
 * @param {NodeJS.Signals} signal
 */
export function die(signal) {
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.kill(process.pid, signal);
  // Not reached: a signal a process sends itself is delivered before kill() returns. Should it not be, the status a
  // shell gives a process killed by that signal.
  process.exit(128 + constants.signals[signal]);
}

/** @param {NodeJS.Signals} signal */
function stop(signal) {
  if (stopSignal !== null) {
    die(signal);
    return;
  }
  stopSignal = signal;
  if (cancelRender === null) {
    console.error(`render driver: ${signal}, nothing to cancel: stopping`);
    die(signal);
    return;
  }
  console.error(`render driver: ${signal}: cancelling the render`);
  cancelRender();
  setTimeout(() => {
    console.error(`render driver: the render did not stop within ${CANCEL_GRACE_MS} ms of ${signal}`);
    die(signal);
  }, CANCEL_GRACE_MS);
}

/**
 * The cancellation of the render about to open a browser (one at a time). A signal that came before it cancels it
 * at once.
 * @returns {Promise<Cancellation>}
 */
export async function startCancellation() {
  const {makeCancelSignal} = await import('@remotion/renderer');
  const {cancelSignal, cancel} = makeCancelSignal();
  const error = () => new Error(`the render was cancelled (${stopSignal ?? 'cancel'})`);
  /** @type {Promise<never>} */
  const cancelled = new Promise((_, reject) => cancelSignal(() => reject(error())));
  cancelled.catch(() => undefined);
  let isCancelled = false;
  cancelSignal(() => {
    isCancelled = true;
  });
  cancelRender = cancel;
  if (stopSignal !== null) {
    cancel();
  }
  return {
    signal: cancelSignal,
    cancelled,
    check: () => {
      if (isCancelled) {
        throw error();
      }
    },
    release: () => {
      if (cancelRender === cancel) {
        cancelRender = null;
      }
    },
  };
}
