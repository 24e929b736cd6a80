/**
 * The stills job: single frames as PNG files, one `still` message each, in one open browser (session.mjs). The
 * server's thumbnails and the tests' frame checks use it.
 */
import {captureWithinViewport, selectOther, withComposition} from './session.mjs';
import {emit} from './protocol.mjs';
import {declaredSpans} from './static-spans.mjs';

/**
 * Render `job.stills`; returns the fields of the `done` message.
 * @param {import('./protocol.mjs').Job} job
 * @param {string} serveUrl
 */
export async function renderStills(job, serveUrl) {
  const {renderStill} = await import('@remotion/renderer');
  const stills = job.stills ?? [];
  return withComposition(job, serveUrl, async (session) => {
    const {common, composition, cancellation} = session;
    if (job.captureBeyondViewport !== true) {
      captureWithinViewport(common.puppeteerInstance);
    }
    for (const still of stills) {
      const inputProps = still.inputProps ?? common.inputProps;
      const selected =
        still.inputProps === undefined
          ? composition
          : await selectOther(session, inputProps, job.compositionId ?? 'MonthlyRecap');
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
        cancelSignal: cancellation.signal,
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
