/**
 * Rendering each distinct frame once. A composition may declare, in the props its calculateMetadata resolves,
 * `staticSpans`: frame ranges that all show the same picture (src/timing/staticSpans.ts). Instead of renderMedia, which
 * captures every frame in Chromium, the driver then captures only the frames that differ, in one pass over the open
 * browser with the job's concurrency (renderFrames; more tabs than cores take two calls, see splitTabs), and pipes
 * them in frame order into one ffmpeg that writes each span's picture (its first frame's, or its source's) as many
 * times as the span is long. Encoding overlaps capture, as in renderMedia.
 *
 * The encoder is renderMedia's own: Remotion's ffmpeg with the arguments its pre-stitcher uses (prespawnFfmpeg and
 * generateFfmpegArgs in @remotion/renderer 4.0.527: libx264, yuv420p, the x264 preset, crf 18 unless set, a 90 kHz
 * track timescale, and its `colorSpace: 'bt709'` handling, which video.mjs asks renderMedia for too), so a frame
 * the two paths both capture encodes the same way.
 *
 * Colour. Chromium's JPEG frames are full-range BT.601 YCbCr (PNG frames are RGB). Handed to libx264 as they are,
 * the video came out `yuvj420p`, full range, no primaries: players that assume TV range showed lifted blacks and
 * clipped whites. zscale converts each frame to limited-range BT.709 (from the matrix and range the decoder tags
 * the frame with), and the stream is flagged BT.709 (primaries, transfer, matrix) and TV range. `-profile:v high` is
 * the profile's ceiling: x264 writes High for every preset from superfast up (the default is veryfast); ultrafast,
 * which turns off the 8x8 transform, still writes Constrained Baseline, a subset every High decoder plays.
 * renderMedia then remuxes and moves the index to the front in two more ffmpeg runs; here the one ffmpeg writes
 * with `+faststart` itself. No audio: a composition that declares spans and has audio is refused rather than
 * rendered silent.
 */
import {spawn} from 'node:child_process';
import {copyFileSync, mkdtempSync, renameSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

/**
 * Frames `first` to `last` (inclusive) show the same picture: that of frame `source` when given (an earlier frame
 * outside every span, such as the blank frame a video starts with), else that of `first`.
 * @typedef {{first: number, last: number, source?: number}} StaticSpan
 */

/**
 * The spans a selected composition declares, checked; [] when it declares none.
 * @param {{durationInFrames: number, props: Record<string, unknown>}} composition
 * @returns {StaticSpan[]}
 */
export function declaredSpans(composition) {
  const spans = composition.props?.staticSpans;
  if (spans === undefined || spans === null) {
    return [];
  }
  if (!Array.isArray(spans)) {
    throw new Error('the composition declares "staticSpans" that are not a list');
  }
  let previousLast = -1;
  const checked = spans.map((span, index) => {
    const {first, last, source} = span ?? {};
    const ok =
      Number.isInteger(first) &&
      Number.isInteger(last) &&
      first > previousLast &&
      last < composition.durationInFrames &&
      (source === undefined ? last > first : last >= first && Number.isInteger(source) && source >= 0 && source < first);
    if (!ok) {
      throw new Error(
        `static span ${index} (${JSON.stringify(span)}) must be {first, last} with first < last (or first <= last ` +
          `and an earlier source frame), inside the ${composition.durationInFrames} frames and after the previous span`,
      );
    }
    previousLast = last;
    return source === undefined ? {first, last} : {first, last, source};
  });
  for (const {source} of checked) {
    if (source !== undefined && checked.some((other) => other.first <= source && source <= other.last)) {
      throw new Error(`a static span takes its picture from frame ${source}, which is inside a span`);
    }
  }
  return checked;
}

/**
 * What to capture, and what to write: `frames` are the frames to capture, in order; `writes` the video in order,
 * as runs of one captured frame's picture (`frame`) written `times` times.
 *
 * With `range` ([first, last], inclusive: a chunk of the video, chunks.py) only those frames are written. A span
 * the range cuts keeps its picture: that of its own first frame (or its source), captured even when it lies before
 * the range, so a chunk writes exactly the pictures the whole video has there.
 * @param {number} durationInFrames
 * @param {StaticSpan[]} spans
 * @param {[number, number] | null} [range]
 * @returns {{frames: number[], writes: Array<{frame: number, times: number}>}}
 */
export function framePlan(durationInFrames, spans, range = null) {
  const [start, end] = range ?? [0, durationInFrames - 1];
  /** @type {Array<{frame: number, times: number}>} */
  const writes = [];
  let spanIndex = 0;
  for (let frame = start; frame <= end; frame++) {
    while (spans[spanIndex] !== undefined && spans[spanIndex].last < frame) {
      spanIndex++;
    }
    const span = spans[spanIndex];
    if (span !== undefined && span.first <= frame) {
      const last = Math.min(span.last, end);
      writes.push({frame: span.source ?? span.first, times: last - frame + 1});
      frame = last;
      spanIndex++;
    } else {
      writes.push({frame, times: 1});
    }
  }
  const frames = [...new Set(writes.map((run) => run.frame))].sort((a, b) => a - b);
  return {frames, writes};
}

/**
 * What a held frame costs against a captured one when a render is cut into chunks of equal work: it is decoded and
 * encoded again, never captured (an estimate; capture, about 100 ms of a core per frame here, is the work).
 */
export const HELD_FRAME_COST = 0.1;

/**
 * Frames [first, last] of chunk `index` of `count`: the video cut where the work is split evenly (a captured frame
 * costs 1, a held one HELD_FRAME_COST), so that chunks rendered at once finish together. Equal frames would not do:
 * static spans are not spread evenly (five-books in two halves of 510 frames: 245 and 189 captures). Every chunk
 * gets at least one frame; the chunks, in order, are every frame once.
 * @param {number} durationInFrames
 * @param {StaticSpan[]} spans
 * @param {number} index
 * @param {number} count
 * @returns {[number, number]}
 */
export function chunkRange(durationInFrames, spans, index, count) {
  if (!(Number.isInteger(count) && count >= 1 && count <= durationInFrames && index >= 0 && index < count)) {
    throw new Error(`chunk ${index} of ${count} does not fit a video of ${durationInFrames} frames`);
  }
  /** @type {number[]} the work done before each frame */
  const before = [0];
  for (const {times} of framePlan(durationInFrames, spans).writes) {
    for (let copy = 0; copy < times; copy++) {
      before.push(before[before.length - 1] + (copy === 0 ? 1 : HELD_FRAME_COST));
    }
  }
  const total = before[durationInFrames];
  /** The first frame of chunk `n`: where the work before it reaches n / count of the whole. */
  const start = (/** @type {number} */ n) => {
    if (n === 0 || n === count) {
      return n === 0 ? 0 : durationInFrames;
    }
    const frame = before.findIndex((work) => work >= (total * n) / count);
    return Math.min(Math.max(frame, n), durationInFrames - (count - n));
  };
  return [start(index), start(index + 1) - 1];
}

/**
 * renderMedia's colour arguments for `colorSpace: 'bt709'` (generateFfmpegArgs, @remotion/renderer 4.0.527): the
 * conversion to limited-range BT.709 and the flags that say so.
 */
export const BT709_ARGS = [
  '-colorspace:v',
  'bt709',
  '-color_primaries:v',
  'bt709',
  '-color_trc:v',
  'bt709',
  '-color_range',
  'tv',
  '-vf',
  'zscale=matrix=709:range=limited:primariesin=709:primaries=709:transferin=709:transfer=709',
];

/**
 * H.264 High, without B-frames. With them, a held picture shimmers: x264 codes the repeated frame as P- and
 * B-frames of different quantisers, and the decoded frames alternate (measured on a book's 2 s hold at crf 18,
 * veryfast: changes of up to 12 levels on text edges, every other frame, for the whole hold). Without them a
 * repeated picture settles after two or three frames and then stays identical to the end of the hold, which is
 * the point of a hold. It also encodes a little faster; the file is a little larger.
 */
export const STILL_HOLD_ARGS = ['-profile:v', 'high', '-bf', '0'];

/**
 * renderMedia's pre-stitcher arguments for an H.264 MP4 from piped images (see the module comment).
 * @param {{fps: number, width: number, height: number, imageFormat: 'jpeg' | 'png', x264Preset: string | null, crf: number | null, output: string}} options
 * @returns {string[]}
 */
export function encoderArgs({fps, width, height, imageFormat, x264Preset, crf, output}) {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostats',
    '-progress',
    'pipe:1',
    '-r',
    String(fps),
    '-f',
    'image2pipe',
    '-s',
    `${width}x${height}`,
    '-vcodec',
    imageFormat === 'jpeg' ? 'mjpeg' : 'png',
    '-i',
    '-',
    '-c:v',
    'libx264',
    ...BT709_ARGS,
    ...STILL_HOLD_ARGS,
    '-pix_fmt',
    'yuv420p',
    ...(x264Preset ? ['-preset', x264Preset] : []),
    '-video_track_timescale',
    '90000',
    '-crf',
    String(crf ?? 18),
    '-an',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    output,
  ];
}

/**
 * One ffmpeg encoding piped images into an MP4 in a directory of its own (under the system's temporary directory,
 * so the output directory never holds a partial video). `write` takes frames in video order and respects the
 * pipe's backpressure; `finish` closes the pipe, waits for the file and moves it to `destination`; `abort` kills
 * ffmpeg and removes the directory, as does the driver's exit if neither happened (a crashed browser ends the
 * driver while this is still running).
 * @param {{executable: string, args: string[], output: string, onEncoded: (frames: number) => void}} options
 *   `output` is a file in a fresh directory that belongs to this encoder
 */
export function startEncoder({executable, args, output, onEncoded}) {
  const dir = path.dirname(executable);
  const workdir = path.dirname(output);
  const ffmpeg = spawn(executable, args, {
    cwd: dir,
    env: {...process.env, LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')},
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  ffmpeg.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let pending = '';
  ffmpeg.stdout.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^frame=(\d+)/.exec(line);
      if (match) {
        onEncoded(Number(match[1]));
      }
    }
  });
  // A write to a pipe ffmpeg has closed fails with EPIPE; the exit below reports why.
  ffmpeg.stdin.on('error', () => undefined);
  /** @type {Promise<void>} */
  const exited = new Promise((resolve, reject) => {
    ffmpeg.on('error', reject);
    ffmpeg.on('close', (code, signal) => {
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`ffmpeg failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      }
    });
  });
  exited.catch(() => undefined);

  /** @param {Buffer} buffer */
  const writeOnce = (buffer) =>
    new Promise((resolve, reject) => {
      if (ffmpeg.exitCode !== null || ffmpeg.stdin.destroyed) {
        exited.then(() => reject(new Error('ffmpeg stopped reading frames')), reject);
        return;
      }
      if (ffmpeg.stdin.write(buffer)) {
        resolve(undefined);
        return;
      }
      const onDrain = () => {
        ffmpeg.stdin.off('close', onClose);
        resolve(undefined);
      };
      const onClose = () => {
        ffmpeg.stdin.off('drain', onDrain);
        exited.then(() => reject(new Error('ffmpeg stopped reading frames')), reject);
      };
      ffmpeg.stdin.once('drain', onDrain);
      ffmpeg.stdin.once('close', onClose);
    });

  const abort = () => {
    process.off('exit', abort);
    if (ffmpeg.exitCode === null) {
      ffmpeg.kill('SIGKILL');
    }
    rmSync(workdir, {recursive: true, force: true});
  };
  process.on('exit', abort);

  return {
    /**
     * @param {Buffer} buffer
     * @param {number} times
     */
    async write(buffer, times) {
      for (let copy = 0; copy < times; copy++) {
        await writeOnce(buffer);
      }
    },
    /** @param {string} destination */
    async finish(destination) {
      ffmpeg.stdin.end();
      await exited;
      try {
        renameSync(output, destination);
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EXDEV') {
          throw error;
        }
        copyFileSync(output, destination);
      }
      abort();
    },
    abort,
  };
}

/**
 * Hands captured pictures, which arrive in any order, to `write` in the order of `writes`, one run at a time. A
 * picture is kept only until its last run is written.
 * @param {Array<{frame: number, times: number}>} writes
 * @param {(buffer: Buffer, times: number) => Promise<void>} write
 */
export function inFrameOrder(writes, write) {
  /** @type {Map<number, number>} */
  const uses = new Map();
  for (const run of writes) {
    uses.set(run.frame, (uses.get(run.frame) ?? 0) + 1);
  }
  /** @type {Map<number, Buffer>} */
  const arrived = new Map();
  let next = 0;
  /** @type {Promise<void>} */
  let chain = Promise.resolve();
  const drain = async () => {
    while (next < writes.length && arrived.has(writes[next].frame)) {
      const {frame, times} = writes[next];
      const buffer = /** @type {Buffer} */ (arrived.get(frame));
      const left = (uses.get(frame) ?? 1) - 1;
      uses.set(frame, left);
      if (left === 0) {
        arrived.delete(frame);
      }
      next++;
      await write(buffer, times);
    }
  };
  return {
    /**
     * Resolves once everything that can be written in order has been (so a tab waits for ffmpeg's backpressure,
     * not for another tab's frame).
     * @param {Buffer} buffer
     * @param {number} frame
     */
    add(buffer, frame) {
      arrived.set(frame, buffer);
      chain = chain.then(drain);
      return chain;
    },
    done: () => next === writes.length,
  };
}

/**
 * How many tabs each renderFrames call gets. Remotion refuses a concurrency above the CPU count in one call; more
 * tabs than that (RENDER_CONCURRENCY above the cores) are spread over several calls in the same browser.
 * @param {number | null} concurrency  null: one call with Remotion's default
 * @param {number} perCall
 * @returns {Array<number | null>}
 */
export function splitTabs(concurrency, perCall) {
  if (concurrency === null || concurrency <= perCall) {
    return [concurrency];
  }
  const calls = Math.ceil(concurrency / perCall);
  return Array.from({length: calls}, (_, call) => Math.floor(concurrency / calls) + (call < concurrency % calls ? 1 : 0));
}

/**
 * @typedef {object} DistinctRenderOptions
 * @property {string} outputPath
 * @property {[number, number] | null} frameRange  only these frames (inclusive), or null: the whole video
 * @property {number | null} concurrency
 * @property {'jpeg' | 'png'} imageFormat
 * @property {number | undefined} jpegQuality
 * @property {string | null} x264Preset
 * @property {number | null} crf
 * @property {(progress: {progress: number, renderedFrames: number, encodedFrames: number}) => void} onProgress
 * @property {(name: string) => void} mark  records a moment of the render for the timings
 */

/**
 * Capture each distinct frame once and encode the video with the held frames repeated.
 * @param {import('./session.mjs').Session} session
 * @param {StaticSpan[]} spans
 * @param {DistinctRenderOptions} options
 * @returns {Promise<{framesCaptured: number}>}
 */
export async function renderDistinctFrames({common, composition, cancellation}, spans, options) {
  const {renderFrames, RenderInternals} = await import('@remotion/renderer');
  const {frames, writes} = framePlan(composition.durationInFrames, spans, options.frameRange);
  const length = writes.reduce((sum, run) => sum + run.times, 0);
  const partial = path.join(mkdtempSync(path.join(tmpdir(), 'tornado-render-encode-')), 'video.mp4');
  let captured = 0;
  let encoded = 0;
  let lastProgress = -1;
  const report = () => {
    // Capture is the work: progress counts captured frames, so held frames do not make it jump.
    const progress = Math.floor((99 * captured) / frames.length) / 100;
    if (progress > lastProgress) {
      lastProgress = progress;
      options.onProgress({progress, renderedFrames: captured, encodedFrames: encoded});
    }
  };
  const encoder = startEncoder({
    executable: RenderInternals.getExecutablePath({type: 'ffmpeg', indent: false, logLevel: 'warn', binariesDirectory: null}),
    args: encoderArgs({
      fps: composition.fps,
      width: composition.width,
      height: composition.height,
      imageFormat: options.imageFormat,
      x264Preset: options.x264Preset,
      crf: options.crf,
      output: partial,
    }),
    output: partial,
    onEncoded: (count) => {
      encoded = Math.min(count, length);
    },
  });
  try {
    const ordered = inFrameOrder(writes, (buffer, times) => encoder.write(buffer, times));
    options.mark('captureStart');
    const calls = splitTabs(options.concurrency, RenderInternals.getMaxConcurrency());
    const slots = calls.flatMap((tabs, call) => Array.from({length: tabs ?? 1}, () => call));
    const counts = calls.map(() => 0);
    const results = await Promise.all(
      calls.map((tabs, call) =>
        renderFrames({
          ...common,
          composition,
          // Frames are dealt out by tab, so that calls with more tabs get more frames and all keep pace.
          frames: frames.filter((_, index) => slots[index % slots.length] === call),
          concurrency: tabs,
          imageFormat: options.imageFormat,
          ...(options.imageFormat === 'jpeg' && options.jpegQuality !== undefined
            ? {jpegQuality: options.jpegQuality}
            : {}),
          outputDir: null,
          onFrameBuffer: (buffer, frame) => ordered.add(buffer, frame),
          onFrameUpdate: (count) => {
            if (captured === 0) {
              options.mark('firstFrame');
            }
            counts[call] = count;
            captured = counts.reduce((sum, value) => sum + value, 0);
            report();
          },
          onStart: () => undefined,
          // A cancelled job (cancel.mjs) stops capturing; the catch below then kills the encoder and removes its file.
          cancelSignal: cancellation.signal,
        }),
      ),
    );
    options.mark('captureEnd');
    if (!ordered.done()) {
      throw new Error('renderFrames finished without handing over every frame');
    }
    const audible = results.flatMap(({assetsInfo}) => assetsInfo.assets).some(
      (asset) => asset.audioAndVideoAssets.length > 0 || asset.inlineAudioAssets.length > 0,
    );
    if (audible) {
      throw new Error('the composition declares static spans but has audio, which this path cannot render');
    }
    await encoder.finish(options.outputPath);
    options.mark('encoded');
    options.onProgress({progress: 1, renderedFrames: captured, encodedFrames: length});
    return {framesCaptured: frames.length};
  } catch (error) {
    encoder.abort();
    throw error;
  }
}
