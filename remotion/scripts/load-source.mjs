/**
 * The composition's TypeScript sources as a module for a Node script, transpiled with esbuild (no build step, no
 * files written; the bundle job compiles the composition's metadata with it too): the scripts that let tests ask
 * the composition's own rules (template-rules, text-rules, palette-report, calculate-duration) all load them this way.
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

export const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

/**
 * Import a module made of `exports` (export statements relative to src/) bundled into one ES module.
 * @param {string[]} exports
 * @param {import('esbuild').Plugin[]} [plugins]
 * @returns {Promise<any>}
 */
export async function loadSource(exports, plugins = []) {
  const result = await build({
    stdin: {contents: exports.join('\n'), resolveDir: SRC, loader: 'ts'},
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'error',
    plugins,
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}
