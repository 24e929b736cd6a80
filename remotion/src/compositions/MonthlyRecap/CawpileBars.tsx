/**
 * The seven CAWPILE sub-scores as labelled bars: bars compare at a glance where a list of numbers would not.
 * Missing sub-scores are left out rather than drawn as zero, which would read as a terrible score. They grow one
 * after another, and sit on the bottom of the book's card, in one column (or two, across a square frame's foot).
 */
import React from 'react';
import {useCurrentFrame, useVideoConfig} from 'remotion';
import type {SubScore} from '../../cawpile';
import {clamp, formatScore} from './format';
import {cueProgress, easeOut} from './motion';
import {useTheme} from './theme';

const ROW_HEIGHT = 52;
const COLUMN_GAP = 48;

/** Height of the bars of `count` sub-scores in `columns` columns. */
export function barsHeight(count: number, columns = 1): number {
  return Math.ceil(count / columns) * ROW_HEIGHT;
}

export const CawpileBars: React.FC<{scores: SubScore[]; width: number; columns?: number}> = ({scores, width, columns = 1}) => {
  const now = useCurrentFrame();
  const {fps} = useVideoConfig();
  const {colors, fonts, cues} = useTheme();
  const perColumn = Math.ceil(scores.length / columns);
  const columnWidth = (width - (columns - 1) * COLUMN_GAP) / columns;
  const row = ROW_HEIGHT;
  return (
    <div style={{display: 'flex', gap: COLUMN_GAP, width}}>
      {Array.from({length: columns}, (_, column) => (
        <div key={column} style={{display: 'flex', flexDirection: 'column', width: columnWidth}}>
          {scores.slice(column * perColumn, (column + 1) * perColumn).map((score, offset) => {
            const index = column * perColumn + offset;
            const grow = cueProgress(cues.bookRating.bar(index), now, fps);
            const eased = easeOut(grow);
            const fraction = clamp(score.value, 0, 10) / 10;
            return (
              <div key={score.label} style={{display: 'flex', alignItems: 'center', height: row, gap: 24, opacity: Math.min(1, grow * 2)}}>
                <div style={{width: 210, fontFamily: fonts.body, fontWeight: 500, fontSize: 31, color: colors.muted}}>{score.label}</div>
                <div style={{flex: 1, height: 16, borderRadius: 8, background: colors.track, overflow: 'hidden'}}>
                  <div style={{width: `${fraction * eased * 100}%`, height: '100%', borderRadius: 8, background: colors.accent}} />
                </div>
                <div
                  style={{
                    width: 64,
                    textAlign: 'right',
                    fontFamily: fonts.mono,
                    fontWeight: 700,
                    fontSize: 34,
                    color: colors.text,
                    fontVariantNumeric: 'tabular-nums',
                  }}
                >
                  {formatScore(score.value)}
                </div>
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
};
