#!/usr/bin/env node
/**
 * Prints `calculateDuration(props)`, `staticSpans(props)` and the scenes (`buildTimeline(props)`) for the props
 * JSON on stdin, straight from the TypeScript source (transpiled with the esbuild that @remotion/bundler brings).
 * Tests compare it with the frame count of rendered videos, so it must not go through the render path it checks.
 */
import {readFileSync} from 'node:fs';
import {loadSource} from './load-source.mjs';

const {buildTimeline, calculateDuration, staticSpans, FPS} = await loadSource([
  "export * from './timing/timeline';",
]);
const props = JSON.parse(readFileSync(0, 'utf8'));
const scenes = buildTimeline(props);
process.stdout.write(`${JSON.stringify({frames: calculateDuration(props), fps: FPS, staticSpans: staticSpans(props), scenes})}\n`);
