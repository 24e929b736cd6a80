#!/usr/bin/env node
/**
 * Prints `calculateDuration(props)`, `staticSpans(props)` and the scenes (`buildTimeline(props)`) for the props
 * JSON on stdin, straight from the TypeScript source (transpiled with the esbuild that @remotion/bundler brings).
 * Tests compare it with the frame count of rendered videos, so it must not go through the render path it checks.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '..', 'src', 'compositions', 'MonthlyRecap', 'timeline.ts');
const result = await build({entryPoints: [source], bundle: true, format: 'esm', platform: 'node', write: false});
const moduleUrl = `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`;
const {buildTimeline, calculateDuration, staticSpans, FPS} = await import(moduleUrl);
const props = JSON.parse(readFileSync(0, 'utf8'));
const scenes = buildTimeline(props);
process.stdout.write(`${JSON.stringify({frames: calculateDuration(props), fps: FPS, staticSpans: staticSpans(props), scenes})}\n`);
