#!/usr/bin/env node
/**
 * The render driver: tornado-render launches this once per render (and once per bundle build). It reads one job on
 * stdin and answers in JSON lines on stdout (protocol.mjs), and does one of three kinds of job:
 *
 *   bundle   `bundleOnly`: the bundle and its browser preview, nothing rendered (bundle.mjs)
 *   video    the MP4 of the props, other shapes, the link card (video.mjs; static-spans.mjs for distinct frames)
 *   stills   `stills`: single frames as PNG files (stills.mjs)
 *
 * A render job bundles first unless it names a built bundle (`serveUrl`), and works in one open browser
 * (session.mjs). SIGTERM or SIGINT cancels the job through Remotion's cancel signal and the driver dies by that
 * signal (cancel.mjs); the server's SIGKILL of everything the job started stays the last resort.
 *
 * `render.mjs --warm` is the warm driver instead (warm.mjs): jobs one per line on stdin, one after another in one
 * open browser, until stdin ends.
 */
import {describe, emit, readJob} from './protocol.mjs';
import {endChildren, die, stopOnSignals, stoppedBy} from './cancel.mjs';
import {obtainServeUrl} from './bundle.mjs';
import {renderStills} from './stills.mjs';
import {mark} from './timings.mjs';
import {renderVideo} from './video.mjs';
import {serveJobs} from './warm.mjs';

/** @returns {Promise<number>} the exit status */
async function main() {
  try {
    const job = readJob();
    mark('jobRead');
    // Only now: the job is read synchronously, and a signal handler cannot run before that read ends (a driver
    // still waiting for its job dies by the signal at once, as it should: there is nothing to cancel).
    stopOnSignals();
    const serveUrl = await obtainServeUrl(job);
    emit({type: 'bundled', serveUrl});
    if (job.bundleOnly) {
      emit({type: 'done', serveUrl});
      return 0;
    }
    const result = Array.isArray(job.stills) ? await renderStills(job, serveUrl) : await renderVideo(job, serveUrl);
    await stopIfAsked();
    emit({type: 'done', ...result});
    return 0;
  } catch (error) {
    await stopIfAsked();
    console.error(error);
    emit({type: 'error', message: describe(error)});
    return 1;
  }
}

/**
 * A job stopped by a signal ends by that signal, without a final line (cancel.mjs), whatever it finished or failed,
 * once the processes it started are gone.
 */
async function stopIfAsked() {
  const signal = stoppedBy();
  if (signal !== null) {
    await endChildren();
    console.error(`render driver: cancelled, everything closed: ending by ${signal}`);
    die(signal);
  }
}

// Exit explicitly: Remotion can leave handles open. Pipe writes are synchronous on Linux, so nothing is lost.
process.exit(await (process.argv.includes('--warm') ? serveJobs() : main()));
