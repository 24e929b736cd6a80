/**
 * Rendering each distinct frame once. A composition may declare, in the props its calculateMetadata resolves,
 * `staticSpans`: frame ranges that all show the same picture (src/staticSpans.ts). Instead of renderMedia, which
 * captures every frame in Chromium, the driver then captures only the frames that differ, in one renderFrames()
 * pass over the open browser with the job's concurrency, and pipes them in frame order into one ffmpeg that writes
 * the first frame of each span as many times as the span is long. Encoding overlaps capture, as in renderMedia.
 *
 * The encoder is renderMedia's own: Remotion's ffmpeg with the arguments its pre-stitcher uses (prespawnFfmpeg and
 * generateFfmpegArgs in @remotion/renderer 4.0.527: libx264, yuv420p, the x264 preset, crf 18 unless set, the
 * default colour handling, a 90 kHz track timescale), so a frame the two paths both capture encodes the same way.
 * renderMedia then remuxes and moves the index to the front in two more ffmpeg runs; here the one ffmpeg writes
 * with `+faststart` itself. No audio: a composition that declares spans and has audio is refused rather than
 * rendered silent.
 */
import {spawn} from 'node:child_process';
import {rmSync, renameSync} from 'node:fs';
import path from 'node:path';

/** @typedef {{first: number, last: number}} StaticSpan */

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
  return spans.map((span, index) => {
    const first = span?.first;
    const last = span?.last;
    if (
      !Number.isInteger(first) ||
      !Number.isInteger(last) ||
      first <= previousLast ||
      last <= first ||
      last >= composition.durationInFrames
    ) {
      throw new Error(
        `static span ${index} (${JSON.stringify(span)}) must be {first, last} with first < last, inside the ` +
          `${composition.durationInFrames} frames and after the previous span`,
      );
    }
    previousLast = last;
    return {first, last};
  });
}

/**
 * Which frames to capture, and how many frames of the video each one stands for.
 * @param {number} durationInFrames
 * @param {StaticSpan[]} spans
 * @returns {{frames: number[], repeats: Map<number, number>}}
 */
export function framePlan(durationInFrames, spans) {
  /** @type {Map<number, number>} */
  const repeats = new Map();
  const frames = [];
  let spanIndex = 0;
  for (let frame = 0; frame < durationInFrames; frame++) {
    const span = spans[spanIndex];
    if (span !== undefined && frame === span.first) {
      frames.push(frame);
      repeats.set(frame, span.last - span.first + 1);
      frame = span.last;
      spanIndex++;
    } else {
      frames.push(frame);
      repeats.set(frame, 1);
    }
  }
  return {frames, repeats};
}

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
 * One ffmpeg encoding piped images into an MP4. `write` takes frames in video order and respects the pipe's
 * backpressure; `finish` closes the pipe and waits for the file; `abort` kills ffmpeg and removes the file.
 * @param {{executable: string, args: string[], output: string, onEncoded: (frames: number) => void}} options
 */
export function startEncoder({executable, args, output, onEncoded}) {
  const dir = path.dirname(executable);
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
    async finish() {
      ffmpeg.stdin.end();
      await exited;
    },
    abort() {
      if (ffmpeg.exitCode === null) {
        ffmpeg.kill('SIGKILL');
      }
      rmSync(output, {force: true});
    },
  };
}

/**
 * Hands buffers that arrive in any order to `write` in frame order, one at a time.
 * @param {number[]} frames  the frames in video order
 * @param {(buffer: Buffer, frame: number) => Promise<void>} write
 */
export function inFrameOrder(frames, write) {
  /** @type {Map<number, Buffer>} */
  const arrived = new Map();
  let next = 0;
  /** @type {Promise<void>} */
  let chain = Promise.resolve();
  const drain = async () => {
    while (next < frames.length && arrived.has(frames[next])) {
      const frame = frames[next];
      const buffer = /** @type {Buffer} */ (arrived.get(frame));
      arrived.delete(frame);
      next++;
      await write(buffer, frame);
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
    done: () => next === frames.length,
  };
}

/**
 * @typedef {object} DistinctRenderOptions
 * @property {string} outputPath
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
 * @param {import('./render.mjs').Session} session
 * @param {StaticSpan[]} spans
 * @param {DistinctRenderOptions} options
 * @returns {Promise<{framesCaptured: number}>}
 */
export async function renderDistinctFrames({common, composition}, spans, options) {
  const {renderFrames, RenderInternals} = await import('@remotion/renderer');
  const {frames, repeats} = framePlan(composition.durationInFrames, spans);
  const dir = path.dirname(path.resolve(options.outputPath));
  const partial = path.join(dir, `.${path.basename(options.outputPath)}.${process.pid}.partial`);
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
      encoded = Math.min(count, composition.durationInFrames);
    },
  });
  try {
    const ordered = inFrameOrder(frames, (buffer, frame) => encoder.write(buffer, repeats.get(frame) ?? 1));
    options.mark('captureStart');
    const {assetsInfo} = await renderFrames({
      ...common,
      composition,
      frames,
      concurrency: options.concurrency,
      imageFormat: options.imageFormat,
      ...(options.imageFormat === 'jpeg' && options.jpegQuality !== undefined ? {jpegQuality: options.jpegQuality} : {}),
      outputDir: null,
      onFrameBuffer: (buffer, frame) => ordered.add(buffer, frame),
      onFrameUpdate: (count) => {
        captured = count;
        report();
      },
      onStart: () => undefined,
    });
    options.mark('captureEnd');
    if (!ordered.done()) {
      throw new Error('renderFrames finished without handing over every frame');
    }
    const audible = assetsInfo.assets.some(
      (asset) => asset.audioAndVideoAssets.length > 0 || asset.inlineAudioAssets.length > 0,
    );
    if (audible) {
      throw new Error('the composition declares static spans but has audio, which this path cannot render');
    }
    await encoder.finish();
    renameSync(partial, options.outputPath);
    options.mark('encoded');
    options.onProgress({progress: 1, renderedFrames: captured, encodedFrames: composition.durationInFrames});
    return {framesCaptured: frames.length};
  } catch (error) {
    encoder.abort();
    throw error;
  }
}
