/**
 * Bench-only compositions (scripts/benchlib/fleet_scale.py, the capture floor): never rendered for a reader. Both
 * are 1080 x 1920 at 30 fps, as MonthlyRecap, and declare no static spans, so the driver captures every frame:
 *
 *   BenchBlank       a plain background and nothing else: what Chromium and Remotion cost per frame on their own
 *   BenchBusyStill   the recap's stats scene, settled, held on one frame (Freeze): a full scene's layers, fonts and
 *                    effects laid out and painted on every frame, but nothing moving
 *
 * Between the two and a real recap's frames lies what our scenes cost above Chromium's own minimum.
 */
import React from 'react';
import {AbsoluteFill, Freeze} from 'remotion';
import {MonthlyRecap} from '../MonthlyRecap';
import {buildTimeline} from '../../timing/timeline';
import {resolveScenes} from '../../template/template';
import type {MonthlyRecapProps} from '../../types';

/** How long each bench video is: long enough that the per-frame cost outweighs the start. */
export const BENCH_FRAMES = 300;

export const BenchBlank: React.FC = () => <AbsoluteFill style={{backgroundColor: '#1b1b1f'}} />;

/** The frame of the recap the busy still holds: the stats scene once everything in it has settled. */
export function statsHoldFrame(props: MonthlyRecapProps): number {
  const scenes = buildTimeline(props, resolveScenes(props.template));
  const stats = scenes.find((scene) => scene.kind === 'stats') ?? scenes[0];
  return stats.from + Math.min(stats.settledAt, Math.max(0, stats.exitAt - 1));
}

export const BenchBusyStill: React.FC<MonthlyRecapProps> = (props) => (
  <Freeze frame={statsHoldFrame(props)}>
    <MonthlyRecap {...props} />
  </Freeze>
);
