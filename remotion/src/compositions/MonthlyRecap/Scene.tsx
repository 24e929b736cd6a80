/**
 * The frame every scene shares: safe margins, the end-of-scene fade, and the small accent "eyebrow" label that
 * tells the viewer where they are. Keeping it here keeps the scenes aligned to the same grid.
 */
import React, {useContext} from 'react';
import {AbsoluteFill, useCurrentFrame, useVideoConfig} from 'remotion';
import type {Cue} from './choreography';
import {sceneOpacity, useEntrance} from './motion';
import {SAFE, SceneFadeContext, useTheme} from './theme';

export const SceneFrame: React.FC<{children: React.ReactNode; justify?: React.CSSProperties['justifyContent']}> = ({
  children,
  justify = 'center',
}) => {
  const frame = useCurrentFrame();
  const {durationInFrames} = useVideoConfig();
  const fadeOut = useContext(SceneFadeContext);
  return (
    <AbsoluteFill
      style={{
        opacity: sceneOpacity(frame, durationInFrames, fadeOut),
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

/** A short uppercase label in the accent colour, with an optional icon, entering on its scene's `cue`. */
export const Eyebrow: React.FC<{children: React.ReactNode; cue: Cue; icon?: React.ReactNode; style?: React.CSSProperties}> = ({
  children,
  cue,
  icon,
  style,
}) => {
  const {colors, fonts} = useTheme();
  const entrance = useEntrance(cue, 20);
  return (
    <div
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 16,
        fontFamily: fonts.body,
        fontWeight: 700,
        fontSize: 30,
        letterSpacing: '0.16em',
        textTransform: 'uppercase',
        color: colors.accent,
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
