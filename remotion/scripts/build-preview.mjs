#!/usr/bin/env node
/**
 * Builds the browser preview (preview/entry.tsx: the composition in Remotion's Player) with esbuild into a folder:
 * `player.js` and the font files it loads (fonts/), referenced as `preview/fonts/...` from a page at the server's
 * root (the demo page), and the soundtrack beds it plays (audio/<id>.wav, copied from public/: scripts/make-beds.mjs
 * makes them). The render driver calls `buildPreview` when it builds the bundle, so the preview is always
 * of the same sources as the video; by hand: `node scripts/build-preview.mjs OUT_DIR`.
 */
import {copyFileSync, mkdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {string} outDir
 * @returns {Promise<void>}
 */
export async function buildPreview(outDir) {
  await build({
    entryPoints: {player: path.join(root, 'preview', 'entry.tsx')},
    bundle: true,
    outdir: outDir,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    jsx: 'automatic',
    loader: {'.woff2': 'file'},
    assetNames: 'fonts/[name]-[hash]',
    publicPath: 'preview',
    define: {'process.env.NODE_ENV': '"production"'},
    logLevel: 'warning',
    legalComments: 'none',
  });
  /** @type {{beds: Array<{id: string, file: string}>}} */
  const manifest = JSON.parse(readFileSync(path.join(root, 'src', 'audio', 'beds.json'), 'utf8'));
  for (const bed of manifest.beds) {
    const target = path.join(outDir, bed.file);
    mkdirSync(path.dirname(target), {recursive: true});
    try {
      copyFileSync(path.join(root, 'public', bed.file), target);
    } catch (error) {
      throw new Error(`the bed ${bed.id} is missing (${bed.file}): run node scripts/make-beds.mjs`, {cause: error});
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: node scripts/build-preview.mjs OUT_DIR\n');
    process.exit(2);
  }
  await buildPreview(path.resolve(outDir));
}
