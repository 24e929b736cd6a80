/**
 * COMPLETED vs DNF must be clear without colour alone (it is also read on small, dim screens): a filled pill in
 * the template's `completed` colour with a check mark for a finished book, a pill outlined in its `dnf` colour with
 * a cross for one set aside.
 */
import React from 'react';
import type {BookStatus} from '../../types';
import {CheckIcon, CrossIcon} from './icons';
import {RADIUS, useTheme} from './theme';

export const StatusBadge: React.FC<{status: BookStatus; style?: React.CSSProperties}> = ({status, style}) => {
  const {colors, fonts} = useTheme();
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
        background: completed ? colors.completed : 'transparent',
        border: `3px solid ${completed ? colors.completed : colors.dnf}`,
        color: completed ? colors.onCompleted : colors.text,
        fontFamily: fonts.body,
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
