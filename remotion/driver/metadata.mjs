/**
 * MonthlyRecap's metadata resolved in Node, without a browser tab.
 *
 * selectComposition opens a tab, loads the whole bundle into it and runs the composition's calculateMetadata there:
 * about half a second of every render, the largest part of a warm driver's fixed cost. The function it runs
 * (src/timing/metadata.ts) is plain TypeScript, so the bundle job also compiles it, from the same sources at the same
 * moment, into the bundle's folder (METADATA_FILE); a render resolves the composition from that copy, so a bundle
 * and its metadata can never disagree. A bundle without the file (built by another version, or a serveUrl that is
 * not a folder) is asked through a tab as before.
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

export const METADATA_FILE = 'recap-metadata.mjs';
const RESOLVED_IN_NODE = 'MonthlyRecap';
const source = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'timing', 'metadata.ts');

/** Compile src/timing/metadata.ts (and what it imports) into `bundleDir`, beside the bundle built from the same sources. */
export async function writeMetadataModule(/** @type {string} */ bundleDir) {
  const {build} = await import('esbuild');
  await build({
    entryPoints: [source],
    outfile: path.join(bundleDir, METADATA_FILE),
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'error',
  });
}

/** @type {Map<string, Promise<{resolveRecapComposition: (props: Record<string, unknown>) => {durationInFrames: number, fps: number, width: number, height: number, props: Record<string, unknown>}}>>} */
const loaded = new Map();

/**
 * The composition `id` for `inputProps` as selectComposition would resolve it, or null when this bundle cannot say
 * without a tab (another composition, no compiled metadata beside it).
 * @param {string} serveUrl
 * @param {string} id
 * @param {Record<string, unknown>} inputProps
 * @returns {Promise<import('remotion').VideoConfig | null>}
 */
export async function resolveInNode(serveUrl, id, inputProps) {
  const file = path.join(serveUrl, METADATA_FILE);
  if (id !== RESOLVED_IN_NODE || !existsSync(file)) {
    return null;
  }
  if (!loaded.has(file)) {
    loaded.set(file, import(pathToFileURL(file).href));
  }
  const {resolveRecapComposition} = await /** @type {Promise<any>} */ (loaded.get(file));
  const {durationInFrames, fps, width, height, props} = resolveRecapComposition(inputProps);
  return {
    id,
    width,
    height,
    fps,
    durationInFrames,
    props,
    defaultProps: {},
    defaultCodec: null,
    defaultOutName: null,
    defaultVideoImageFormat: null,
    defaultPixelFormat: null,
    defaultProResProfile: null,
    defaultSampleRate: null,
  };
}
