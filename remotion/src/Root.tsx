/**
 * The registry of compositions: the render driver selects `MonthlyRecap` (the video, in any of its shapes) and
 * `RecapCard` (the link card, a still) from here; `BenchBlank` and `BenchBusyStill` are for the benchmark only
 * (compositions/Bench).
 */
import React from 'react';
import {Composition} from 'remotion';
import {MonthlyRecap} from './compositions/MonthlyRecap';
import {BENCH_FRAMES, BenchBlank, BenchBusyStill} from './compositions/Bench';
import {CARD_HEIGHT, CARD_WIDTH, RecapCard} from './compositions/RecapCard';
import {calculateDuration, FPS, HEIGHT, WIDTH} from './timing/timeline';
import {recapMetadata} from './timing/metadata';
import {sampleRecap} from './sampleRecap';
import type {WithStaticSpans} from './timing/staticSpans';
import type {MonthlyRecapProps} from './types';

export const RemotionRoot: React.FC = () => (
  <>
    <Composition
      id="MonthlyRecap"
      component={MonthlyRecap}
      width={WIDTH}
      height={HEIGHT}
      fps={FPS}
      durationInFrames={calculateDuration(sampleRecap)}
      defaultProps={sampleRecap}
      // The length, the shape's size and the static spans the driver holds (timing/metadata.ts; the driver resolves
      // the same function in Node).
      calculateMetadata={({props}: {props: WithStaticSpans<MonthlyRecapProps>}) => {
        const {durationInFrames, width, height, props: resolved} = recapMetadata(props);
        return {durationInFrames, width, height, props: resolved};
      }}
    />
    {/* The Open Graph card of a recap (a still): same props, its own size. */}
    <Composition
      id="RecapCard"
      component={RecapCard}
      width={CARD_WIDTH}
      height={CARD_HEIGHT}
      fps={FPS}
      durationInFrames={1}
      defaultProps={sampleRecap}
    />
    {/* Bench only (scripts/benchlib/fleet_scale.py): the capture floor, blank and busy-but-still. */}
    <Composition id="BenchBlank" component={BenchBlank} width={WIDTH} height={HEIGHT} fps={FPS} durationInFrames={BENCH_FRAMES} />
    <Composition
      id="BenchBusyStill"
      component={BenchBusyStill}
      width={WIDTH}
      height={HEIGHT}
      fps={FPS}
      durationInFrames={BENCH_FRAMES}
      defaultProps={sampleRecap}
    />
  </>
);
