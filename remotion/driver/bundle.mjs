/**
 * The bundle job, and the bundle every render needs: build it with @remotion/bundler (and the browser preview beside
 * it, for a `bundleOnly` job into a directory), or take the one the job names.
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {writeMetadataModule} from './metadata.mjs';
import {emit} from './protocol.mjs';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The bundle's address: the job's `serveUrl`, or a bundle of src/index.ts built now (into `bundleOutDir` when
 * given, with the composition's metadata compiled beside it: metadata.mjs), reporting `bundle-progress` and, for a bundle-only job, `preview-failed` when the preview did not build.
 * @param {import('./protocol.mjs').Job} job
 * @returns {Promise<string>}
 */
export async function obtainServeUrl(job) {
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
  await writeMetadataModule(serveUrl);
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
