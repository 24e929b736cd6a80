/**
 * Stopping the driver cleanly. tornado-render stops a render it no longer wants (a timeout, an orphaned job, a
 * shutdown) with SIGTERM to the driver's process group, and SIGKILLs whatever is left after a grace period
 * (TERMINATE_GRACE_SECONDS in tornado_render/render/driver.py; every process of the job, the detached Chromium
 * included, carries a marker it kills by). The kill stays the last resort; SIGTERM (or SIGINT, by hand) is a request:
 *
 *   - while a browser is open (session.mjs), the render is cancelled through Remotion's `makeCancelSignal`:
 *     renderMedia, renderFrames and renderStill stop capturing, end their ffmpeg and reject; the distinct-frames
 *     encoder is killed and its temporary directory removed (static-spans.mjs); the browser is closed; what the
 *     driver started and is still running is ended (endChildren); then the driver dies by the same signal, writing
 *     no final line (a job stopped from outside has no result to report);
 *   - before that (reading the job, bundling: nothing to cancel or close) the driver dies by the signal at once;
 *   - a cancellation that takes longer than CANCEL_GRACE_MS, or a second signal, ends the driver at once.
 *
 * Before this, Remotion's own listeners (ownSignals) answered SIGTERM mid-render by closing the browser under the
 * render, which then failed with "the browser closed unexpectedly", and SIGINT by exiting with status 130 at once.
 * Now the exit status is the signal's whenever the driver was signalled, and the job is cancelled the same way by
 * tornado-render, by systemd or from a terminal.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {constants} from 'node:os';

/** Less than the server's TERMINATE_GRACE_SECONDS (3 s), so a slow cancellation still dies before the SIGKILL. */
export const CANCEL_GRACE_MS = 2000;

/** @type {NodeJS.Signals | null} */
let stopSignal = null;
/** @type {(() => void) | null} the running render's cancel, while a browser is open */
let cancelRender = null;
/** A warm driver's job asked to stop (warm.mjs `{"cancel": id}`): its render is cancelled, the driver lives on. */
let jobCancelled = false;

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

/**
 * Handle SIGTERM and SIGINT as described above, until the driver dies. The handler stays registered after the first
 * signal (a second one ends the driver at once, in `stop`): execa, which runs Remotion's ffmpeg, listens too
 * (signal-exit), and re-raises a signal that it finds no other listener for, which killed the driver in the middle
 * of its cancellation, before anything was cleaned up.
 */
export function stopOnSignals() {
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGTERM', 'SIGINT'])) {
    const handler = () => stop(signal);
    handlers.set(signal, handler);
    process.on(signal, handler);
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

/** A warm driver's next job starts uncancelled. */
export function beginJob() {
  jobCancelled = false;
}

/**
 * Cancel the running job of a warm driver (warm.mjs), as a signal would, without stopping the driver: its render
 * rejects through the cancel signal and the browser stays open for the next job. Before the browser is open, the
 * job is cancelled as soon as it opens.
 */
export function cancelJob() {
  jobCancelled = true;
  cancelRender?.();
}

/** How long a cancelled driver lets the processes it started end by themselves before it kills them. */
const CHILDREN_GONE_MS = 300;

/**
 * End the processes the driver started (its direct children) before it dies: wait CHILDREN_GONE_MS at most for them
 * to end, then SIGKILL those left. Remotion's cancelled renderMedia rejects without ending its pre-stitcher ffmpeg,
 * which waits for frames on its stdin until the driver is gone. Linux only, as the server is
 * (/proc/self/task/<tid>/children); elsewhere nothing is found and nothing waits.
 */
export async function endChildren(keep = /** @type {number[]} */ ([])) {
  const deadline = performance.now() + CHILDREN_GONE_MS;
  while (performance.now() < deadline && liveChildren(keep).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const pid of liveChildren(keep)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  const killed = performance.now() + CHILDREN_GONE_MS;
  while (performance.now() < killed && liveChildren(keep).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The driver's live child processes (a warm driver finds its browser among them). */
export function childPids() {
  return liveChildren([]);
}

/** @param {number[]} keep children that are not to be ended (a warm driver's browser) @returns {number[]} */
function liveChildren(keep) {
  try {
    return readdirSync('/proc/self/task')
      .flatMap((tid) => readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' '))
      .map((pid) => Number(pid))
      .filter((pid) => pid > 0 && !keep.includes(pid) && !isZombie(pid));
  } catch {
    return [];
  }
}

/** @param {number} pid */
function isZombie(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
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
  if (stopSignal !== null || jobCancelled) {
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
