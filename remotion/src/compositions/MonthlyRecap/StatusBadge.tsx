/**
 * COMPLETED vs DNF must be clear without colour alone (it is also read on small, dim screens): a filled accent
 * pill with a check mark for a finished book, an outlined neutral pill with a cross for one set aside.
 */
import React from 'react';
import {BODY_FONT} from '../../fonts';
import type {BookStatus} from '../../types';
import {CheckIcon, CrossIcon} from './icons';
import {COLORS, RADIUS} from './theme';

export const StatusBadge: React.FC<{status: BookStatus; style?: React.CSSProperties}> = ({status, style}) => {
  const completed = status === 'COMPLETED';
  return (
    <div
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        gap: 12,
        alignSelf: 'flex-start',
        padding: '12px 26px 12px 18px',
        borderRadius: RADIUS.pill,
        background: completed ? COLORS.accent : 'transparent',
        border: `3px solid ${completed ? COLORS.accent : COLORS.muted}`,
        color: completed ? COLORS.onAccent : COLORS.text,
        fontFamily: BODY_FONT,
        fontWeight: 700,
        fontSize: 30,
        letterSpacing: '0.12em',
        ...style,
      }}
    >
      {completed ? <CheckIcon size={34} /> : <CrossIcon size={34} />}
      {completed ? 'COMPLETED' : 'DNF'}
    </div>
  );
};
