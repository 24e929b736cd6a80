import React from 'react';
import {AbsoluteFill, Sequence} from 'remotion';
import type {MonthlyRecapProps} from '../../types';
import {buildTimeline} from './timeline';

export const MonthlyRecap: React.FC<MonthlyRecapProps> = (props) => {
  const timeline = buildTimeline(props);
  return (
    <AbsoluteFill style={{backgroundColor: '#0f1115', color: 'white', fontSize: 80}}>
      {timeline.map((scene) => (
        <Sequence key={`${scene.kind}-${scene.from}`} from={scene.from} durationInFrames={scene.durationInFrames}>
          <AbsoluteFill style={{justifyContent: 'center', alignItems: 'center'}}>
            {scene.kind} {scene.bookIndex !== undefined ? props.books[scene.bookIndex].title : props.meta.monthName}
          </AbsoluteFill>
        </Sequence>
      ))}
    </AbsoluteFill>
  );
};
