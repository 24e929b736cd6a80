/**
 * The frame every scene shares: safe margins, the end-of-scene fade, and the small accent "eyebrow" label that
 * tells the viewer where they are. Keeping it here keeps the scenes aligned to the same grid.
 */
import React from 'react';
import {AbsoluteFill, useCurrentFrame, useVideoConfig} from 'remotion';
import {BODY_FONT} from '../../fonts';
import {EYEBROW} from './choreography';
import {sceneOpacity, useEntrance} from './motion';
import {COLORS, SAFE} from './theme';

export const SceneFrame: React.FC<{children: React.ReactNode; justify?: React.CSSProperties['justifyContent']}> = ({
  children,
  justify = 'center',
}) => {
  const frame = useCurrentFrame();
  const {durationInFrames} = useVideoConfig();
  return (
    <AbsoluteFill
      style={{
        opacity: sceneOpacity(frame, durationInFrames),
        padding: `${SAFE.top}px ${SAFE.x}px ${SAFE.bottom}px`,
        display: 'flex',
        flexDirection: 'column',
        justifyContent: justify,
      }}
    >
      {children}
    </AbsoluteFill>
  );
};

/** The part of a scene below its eyebrow: takes the remaining height and centres its content in it. */
export const SceneBody: React.FC<{children: React.ReactNode; gap?: number}> = ({children, gap = 0}) => (
  <div style={{flex: 1, display: 'flex', flexDirection: 'column', justifyContent: 'center', gap}}>{children}</div>
);

/** A short uppercase label in the accent colour, with an optional icon. */
export const Eyebrow: React.FC<{children: React.ReactNode; icon?: React.ReactNode; style?: React.CSSProperties}> = ({
  children,
  icon,
  style,
}) => {
  const entrance = useEntrance(EYEBROW, 20);
  return (
    <div
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 16,
        fontFamily: BODY_FONT,
        fontWeight: 700,
        fontSize: 30,
        letterSpacing: '0.16em',
        textTransform: 'uppercase',
        color: COLORS.accent,
        whiteSpace: 'nowrap',
        overflow: 'hidden',
        ...entrance,
        ...style,
      }}
    >
      {icon}
      <span style={{overflow: 'hidden', textOverflow: 'ellipsis'}}>{children}</span>
    </div>
  );
};
