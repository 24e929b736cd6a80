#!/usr/bin/env node
/**
 * Evaluates the composition's text rules straight from the TypeScript sources (transpiled with esbuild), for the
 * tests: reads a JSON list of calls on stdin, `[{"fn": "titleInitials", "args": ["War and Peace"]}, ...]`, and
 * prints the list of results. Font files are not read: an imported .woff2 becomes its package path, which is all
 * the face registry needs to answer which faces a text needs.
 *
 * Functions: titleInitials, textDirection, hanLang, graphemes, breakUnits, countLines, fitText, facesFor (its
 * answer is given as "family/subset" names).
 */
import {readFileSync} from 'node:fs';
import {loadSource} from './load-source.mjs';

const rules = await loadSource(
  [
    "export {titleInitials} from './compositions/MonthlyRecap/format';",
    "export {breakUnits, countLines, fitText} from './compositions/MonthlyRecap/textFit';",
    "export {facesFor} from './fonts/registry';",
    "export {FACE_SOURCES} from './fonts/faces.generated';",
    "export {graphemes, hanLang, textDirection} from './fonts/writingSystems';",
  ],
  [
    {
      name: 'font-paths',
      setup(pluginBuild) {
        pluginBuild.onResolve({filter: /\.woff2$/}, (args) => ({path: args.path, namespace: 'font-path'}));
        pluginBuild.onLoad({filter: /.*/, namespace: 'font-path'}, (args) => ({
          contents: `export default ${JSON.stringify(args.path)};`,
          loader: 'js',
        }));
        // Only the pure parts are evaluated; the rendering hooks of 'remotion' are never called here.
        pluginBuild.onResolve({filter: /^remotion$/}, () => ({path: 'remotion', namespace: 'stub'}));
        pluginBuild.onLoad({filter: /.*/, namespace: 'stub'}, () => ({
          contents: 'export const delayRender = () => 0; export const continueRender = () => undefined;',
          loader: 'js',
        }));
      },
    },
  ],
);

/** @type {Record<string, (...args: any[]) => unknown>} */
const functions = {
  titleInitials: rules.titleInitials,
  textDirection: rules.textDirection,
  hanLang: rules.hanLang,
  graphemes: rules.graphemes,
  breakUnits: rules.breakUnits,
  countLines: rules.countLines,
  fitText: rules.fitText,
  facesFor: (requests) =>
    rules.facesFor(requests).map((/** @type {number} */ index) => `${rules.FACE_SOURCES[index][0]}/${rules.FACE_SOURCES[index][1]}`),
};

const calls = JSON.parse(readFileSync(0, 'utf8'));
const answers = calls.map((/** @type {{fn: string, args: unknown[]}} */ call) => {
  const fn = functions[call.fn];
  if (fn === undefined) {
    throw new Error(`unknown function ${call.fn}`);
  }
  return fn(...call.args);
});
process.stdout.write(`${JSON.stringify(answers)}\n`);
