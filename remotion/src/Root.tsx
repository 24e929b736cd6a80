/** The registry of compositions: the render driver selects `MonthlyRecap` from here. */
import React from 'react';
import {Composition} from 'remotion';
import {MonthlyRecap} from './compositions/MonthlyRecap';
import {calculateDuration, FPS, HEIGHT, staticSpans, WIDTH} from './compositions/MonthlyRecap/timeline';
import {sampleRecap} from './sampleRecap';
import {resolveTemplate} from './template/template';
import type {WithStaticSpans} from './staticSpans';
import type {MonthlyRecapProps} from './types';

export const RemotionRoot: React.FC = () => (
  <Composition
    id="MonthlyRecap"
    component={MonthlyRecap}
    width={WIDTH}
    height={HEIGHT}
    fps={FPS}
    durationInFrames={calculateDuration(sampleRecap)}
    defaultProps={sampleRecap}
    calculateMetadata={({props}: {props: WithStaticSpans<MonthlyRecapProps>}) => {
      const template = resolveTemplate(props.template);
      return {
        durationInFrames: calculateDuration(props, template),
        // For the render driver: the frames to capture once and hold (see staticSpans.ts).
        props: {...props, staticSpans: staticSpans(props, template)},
      };
    }}
  />
);
