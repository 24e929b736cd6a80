/**
 * The seven CAWPILE sub-scores as labelled bars: bars compare at a glance where a list of numbers would not.
 * Missing sub-scores are left out rather than drawn as zero, which would read as a terrible score.
 */
import React from 'react';
import {interpolate, useCurrentFrame} from 'remotion';
import {BODY_FONT} from '../../fonts';
import {CAWPILE_PARTS, type CawpileRating} from '../../types';
import {clamp, formatScore} from './format';
import {COLORS} from './theme';

export interface SubScore {
  label: string;
  value: number;
}

/** The sub-scores that are present, in CAWPILE order. */
export function subScores(rating: CawpileRating): SubScore[] {
  return CAWPILE_PARTS.flatMap(([key, label]) => {
    const value = rating[key];
    return typeof value === 'number' && Number.isFinite(value) ? [{label, value}] : [];
  });
}

const ROW_HEIGHT = 54;

export const CawpileBars: React.FC<{scores: SubScore[]; width: number; delay?: number}> = ({scores, width, delay = 0}) => {
  const frame = useCurrentFrame();
  return (
    <div style={{display: 'flex', flexDirection: 'column', width}}>
      {scores.map((score, index) => {
        const start = delay + index * 3;
        const grow = interpolate(frame, [start, start + 18], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'});
        const eased = 1 - (1 - grow) ** 3;
        const fraction = clamp(score.value, 0, 10) / 10;
        return (
          <div
            key={score.label}
            style={{display: 'flex', alignItems: 'center', height: ROW_HEIGHT, gap: 24, opacity: Math.min(1, grow * 2)}}
          >
            <div style={{width: 200, fontFamily: BODY_FONT, fontWeight: 500, fontSize: 30, color: COLORS.muted}}>
              {score.label}
            </div>
            <div style={{flex: 1, height: 14, borderRadius: 7, background: COLORS.track, overflow: 'hidden'}}>
              <div
                style={{
                  width: `${fraction * eased * 100}%`,
                  height: '100%',
                  borderRadius: 7,
                  background: COLORS.accent,
                }}
              />
            </div>
            <div
              style={{
                width: 64,
                textAlign: 'right',
                fontFamily: BODY_FONT,
                fontWeight: 700,
                fontSize: 32,
                color: COLORS.text,
                fontVariantNumeric: 'tabular-nums',
              }}
            >
              {formatScore(score.value)}
            </div>
          </div>
        );
      })}
    </div>
  );
};
