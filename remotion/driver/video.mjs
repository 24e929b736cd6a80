/**
 * The video job: the MP4 of the job's props, the other shapes it asks for (`formats`) and the link card (`card`),
 * in one open browser (session.mjs). Each video captures each distinct frame once when its composition declares
 * static spans (static-spans.mjs), else every frame with renderMedia.
 *
 * A job with `frameRange` ([first, last], inclusive), or `chunk` ({index, count}: the range of equal work,
 * static-spans.mjs chunkRange), is a chunk of a longer render (tornado_render/render/chunks.py): each of its videos
 * is only those frames, encoded as the whole video is, so that chunks joined by a stream copy make the whole video.
 * Its `done` counts the chunk's frames and says which range it holds.
 */
import {withComposition, captureWithinViewport, selectOther} from './session.mjs';
import {emit} from './protocol.mjs';
import {chunkRange, declaredSpans, framePlan, renderDistinctFrames, STILL_HOLD_ARGS} from './static-spans.mjs';
import {mark, marks, timings} from './timings.mjs';

/** What the link card weighs in the progress, in captured frames: a still costs about as much as a few frames. */
const CARD_WEIGHT = 8;
/** The card is looked at closely (chat previews show it large): a high JPEG quality, still well under 200 KB. */
const CARD_JPEG_QUALITY = 90;

/** @typedef {import('./session.mjs').Session} Session */
/** @typedef {(progress: {progress: number, renderedFrames: number, encodedFrames: number}) => void} OnProgress */

/**
 * The video of the job's props (the story, or the shape its props ask for), then each other shape the job asks for
 * (`formats`: the same props in another `format`, each its own video), then the link card (`card`: a still of the
 * RecapCard composition), in one open browser. Progress runs 0..1 once over all of them, weighted by the frames each
 * captures (the card counts as CARD_WEIGHT frames). Returns the fields of the `done` message.
 * @param {import('./protocol.mjs').Job} job
 * @param {string} serveUrl
 */
export async function renderVideo(job, serveUrl) {
  return withComposition(job, serveUrl, async (session) => {
    const imageFormat = job.imageFormat ?? 'jpeg';
    const id = job.compositionId ?? 'MonthlyRecap';
    const extra = await Promise.all(
      (job.formats ?? []).map(async ({format, outputPath}) => {
        const inputProps = {...session.common.inputProps, format};
        const composition = await selectOther(session, inputProps, id);
        /** @type {Session} */
        const other = {...session, common: {...session.common, inputProps}, composition};
        return {format, outputPath, session: other};
      }),
    );
    const videos = [{format: null, outputPath: /** @type {string} */ (job.outputPath), session}, ...extra];
    const spansOf = (/** @type {Session} */ one) =>
      job.staticSpans === false || imageFormat === 'none' ? [] : declaredSpans(one.composition);
    const range =
      job.frameRange ??
      (job.chunk ? chunkRange(session.composition.durationInFrames, spansOf(session), job.chunk.index, job.chunk.count) : null);
    for (const {session: one} of videos) {
      checkRange(range, one.composition.durationInFrames);
    }
    const length = range === null ? session.composition.durationInFrames : range[1] - range[0] + 1;
    const weights = videos.map(({session: one}) =>
      framePlan(one.composition.durationInFrames, spansOf(one), range).frames.length,
    );
    const total = weights.reduce((sum, weight) => sum + weight, 0) + (job.card ? CARD_WEIGHT : 0);
    if (videos.some(({session: one}) => spansOf(one).length > 0) && job.captureBeyondViewport !== true) {
      captureWithinViewport(session.common.puppeteerInstance);
    }
    /** @type {Record<string, {outputPath: string, frameCount: number, framesCaptured: number}>} */
    const formats = {};
    let done = 0;
    let main = {framesCaptured: 0};
    for (const [index, video] of videos.entries()) {
      session.cancellation.check();
      const before = done;
      /** @type {OnProgress} */
      const report = (progress) =>
        emit({...progress, type: 'render-progress', progress: Math.min(0.99, (before + progress.progress * weights[index]) / total)});
      const result = await renderOne(job, video.session, video.outputPath, spansOf(video.session), range, report);
      done += weights[index];
      if (video.format === null) {
        main = result;
      } else {
        formats[video.format] = {
          outputPath: video.outputPath,
          frameCount: range === null ? video.session.composition.durationInFrames : length,
          framesCaptured: result.framesCaptured,
        };
      }
    }
    if (job.card) {
      session.cancellation.check();
      mark('cardStart');
      await renderCard(job, session, job.card.outputPath);
      mark('cardEnd');
      emit({type: 'render-progress', progress: 0.99, renderedFrames: done, encodedFrames: done});
    }
    emit({type: 'render-progress', progress: 1, renderedFrames: total, encodedFrames: total});
    const {composition} = session;
    return {
      outputPath: job.outputPath,
      durationInSeconds: length / composition.fps,
      frameCount: length,
      ...(range === null ? {} : {frameRange: range}),
      framesCaptured: main.framesCaptured,
      staticSpans: spansOf(session).length,
      ...(extra.length > 0 ? {formats} : {}),
      ...(job.card ? {card: job.card.outputPath} : {}),
      timings: timings(),
    };
  });
}

/**
 * One video: each distinct frame once when its composition declares static spans, else every frame.
 * @param {import('./protocol.mjs').Job} job
 * @param {Session} session
 * @param {string} outputPath
 * @param {import('./static-spans.mjs').StaticSpan[]} spans
 * @param {[number, number] | null} range  a chunk's frames, or null: the whole video
 * @param {OnProgress} onProgress
 * @returns {Promise<{framesCaptured: number}>}
 */
async function renderOne(job, session, outputPath, spans, range, onProgress) {
  const imageFormat = job.imageFormat ?? 'jpeg';
  if (spans.length > 0 && imageFormat !== 'none') {
    const result = await renderDistinctFrames(session, spans, {
      outputPath,
      frameRange: range,
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
  return renderEveryFrame({...job, outputPath}, session, range, onProgress);
}

/**
 * A chunk's range must lie inside the video: a chunk past the end would be a shorter video, not an error, in Remotion.
 * @param {[number, number] | null} range
 * @param {number} durationInFrames
 */
function checkRange(range, durationInFrames) {
  if (range !== null && range[1] >= durationInFrames) {
    throw new Error(`"frameRange" ${JSON.stringify(range)} ends past the video's last frame (${durationInFrames - 1})`);
  }
}

/**
 * The link card: a JPEG still of RecapCard with the job's props.
 * @param {import('./protocol.mjs').Job} job
 * @param {Session} session
 * @param {string} outputPath
 */
async function renderCard(job, session, outputPath) {
  const {renderStill} = await import('@remotion/renderer');
  const composition = await selectOther(session, session.common.inputProps, 'RecapCard');
  await renderStill({
    ...session.common,
    composition,
    frame: 0,
    output: outputPath,
    imageFormat: 'jpeg',
    jpegQuality: CARD_JPEG_QUALITY,
    overwrite: true,
    licenseKey: job.licenseKey ?? null,
    cancelSignal: session.cancellation.signal,
  });
}

/**
 * Every frame captured by renderMedia: the path for compositions without static spans, and with `staticSpans: false`.
 * @param {import('./protocol.mjs').Job} job
 * @param {Session} session
 * @param {[number, number] | null} range  a chunk's frames, or null: the whole video
 * @param {OnProgress} onProgress
 * @returns {Promise<{framesCaptured: number}>}
 */
async function renderEveryFrame(job, {common, composition, cancellation}, range, onProgress) {
  const {renderMedia, RenderInternals} = await import('@remotion/renderer');
  // renderMedia refuses more tabs than cores; the distinct-frames path takes more (see splitTabs).
  const concurrency = job.concurrency == null ? null : Math.min(job.concurrency, RenderInternals.getMaxConcurrency());
  let lastProgress = -1;
  const length = range === null ? composition.durationInFrames : range[1] - range[0] + 1;
  mark('captureStart');
  await renderMedia({
    ...common,
    composition,
    frameRange: range,
    codec: 'h264',
    outputLocation: /** @type {string} */ (job.outputPath),
    overwrite: true,
    concurrency,
    imageFormat: job.imageFormat ?? 'jpeg',
    ...(job.jpegQuality == null ? {} : {jpegQuality: job.jpegQuality}),
    ...(job.x264Preset == null ? {} : {x264Preset: job.x264Preset}),
    ...(job.crf == null ? {} : {crf: job.crf}),
    licenseKey: job.licenseKey ?? null,
    cancelSignal: cancellation.signal,
    // Limited-range BT.709, flagged, as the distinct-frames encoder writes it (static-spans.mjs BT709_ARGS), and
    // `-profile:v high` as there (renderMedia has no option for the profile: its encoder's arguments get it).
    colorSpace: 'bt709',
    ffmpegOverride: ({args}) => withStillHoldArgs(args),
    onProgress: ({progress, renderedFrames, encodedFrames}) => {
      if (renderedFrames > 0 && marks.firstFrame === undefined) {
        mark('firstFrame');
      }
      if (renderedFrames === length && marks.captureEnd === undefined) {
        mark('captureEnd');
      }
      if (progress > lastProgress) {
        lastProgress = progress;
        onProgress({progress, renderedFrames, encodedFrames});
      }
    },
  });
  mark('encoded');
  return {framesCaptured: length};
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
