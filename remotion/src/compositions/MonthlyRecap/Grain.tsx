/**
 * The template's `grain` colour as a film grain over the whole frame: a fixed tile of specks (the same on every
 * frame, so a still scene stays one picture), drawn only when the colour is not fully transparent.
 */
import React, {useId, useMemo} from 'react';
import {AbsoluteFill} from 'remotion';

const TILE = 96;
const SPECKS = 420;

/** Speck positions and strengths from a fixed seed: every render of every video has the same grain. */
function specks(): Array<{x: number; y: number; size: number; alpha: number}> {
  let state = 0x2545f491;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({length: SPECKS}, () => ({
    x: Math.floor(next() * TILE),
    y: Math.floor(next() * TILE),
    size: next() < 0.8 ? 1 : 2,
    alpha: Math.round((0.35 + 0.65 * next()) * 100) / 100,
  }));
}

export const Grain: React.FC<{color: string}> = ({color}) => {
  const id = `grain-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const dots = useMemo(specks, []);
  return (
    <AbsoluteFill style={{pointerEvents: 'none'}}>
      <svg width="100%" height="100%" style={{display: 'block'}}>
        <defs>
          <pattern id={id} width={TILE} height={TILE} patternUnits="userSpaceOnUse">
            {dots.map((dot, index) => (
              <rect key={index} x={dot.x} y={dot.y} width={dot.size} height={dot.size} fill={color} fillOpacity={dot.alpha} />
            ))}
          </pattern>
        </defs>
        <rect width="100%" height="100%" fill={`url(#${id})`} />
      </svg>
    </AbsoluteFill>
  );
};
