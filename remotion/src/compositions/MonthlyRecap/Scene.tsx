/**
 * The frame every scene shares: safe margins, the push upwards while the next scene's colour wipes in, the small
 * accent "eyebrow" label that tells the viewer where they are, and the footer line on the bottom margin. Keeping
 * them here keeps the scenes on the same grid, and every scene spans the frame from the eyebrow to the footer.
 */
import React, {useContext} from 'react';
import {AbsoluteFill, useCurrentFrame} from 'remotion';
import type {Cue} from '../../timing/choreography';
import {easeInOut, progressBetween, useEntrance} from './motion';
import {type Frame, useFrame} from './frame';
import {SceneExitContext, useTheme} from './theme';

/** Height of the footer line, on the bottom safe margin. */
export const FOOTER_HEIGHT = 34;

/** From the frame's bottom edge to the end of a scene's content: the safe margin, the footer, a gap. */
export function contentBottomMargin(frame: Frame): number {
  return frame.safe.bottom + (FOOTER_HEIGHT + 26);
}

/** Where a scene's content ends (frame y). */
export function contentBottom(frame: Frame): number {
  return frame.height - contentBottomMargin(frame);
}

/** How far a scene's content travels up while the next scene wipes in. */
const EXIT_TRAVEL = 180;

export const SceneFrame: React.FC<{children: React.ReactNode; justify?: React.CSSProperties['justifyContent']}> = ({
  children,
  justify = 'center',
}) => {
  const now = useCurrentFrame();
  const frame = useFrame();
  const {exitAt, end} = useContext(SceneExitContext);
  const leaving = easeInOut(progressBetween(now, exitAt, end));
  return (
    <AbsoluteFill
      style={{
        padding: `${frame.safe.top}px ${frame.safe.x}px ${contentBottomMargin(frame)}px`,
        display: 'flex',
        flexDirection: 'column',
        justifyContent: justify,
        ...(leaving > 0 ? {transform: `translateY(${-leaving * EXIT_TRAVEL}px)`, opacity: 1 - 0.5 * leaving} : {}),
      }}
    >
      {children}
      <Footer />
    </AbsoluteFill>
  );
};

/** The part of a scene below its eyebrow: takes the remaining height and spreads or centres its content in it. */
export const SceneBody: React.FC<{children: React.ReactNode; gap?: number; justify?: React.CSSProperties['justifyContent']}> = ({
  children,
  gap = 0,
  justify = 'center',
}) => <div style={{flex: 1, display: 'flex', flexDirection: 'column', justifyContent: justify, gap}}>{children}</div>;

/** A short uppercase label in the accent colour, with an optional icon, entering on its scene's `cue`. */
export const Eyebrow: React.FC<{children: React.ReactNode; cue?: Cue; icon?: React.ReactNode; style?: React.CSSProperties}> = ({
  children,
  cue,
  icon,
  style,
}) => {
  const {colors, fonts} = useTheme();
  const entrance = useEntrance(cue ?? {kind: 'tween', delay: 0, frames: 1}, 20);
  return (
    <div
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 16,
        height: 48,
        fontFamily: fonts.body,
        fontWeight: 700,
        fontSize: 30,
        letterSpacing: '0.16em',
        textTransform: 'uppercase',
        color: colors.accent,
        whiteSpace: 'nowrap',
        overflow: 'hidden',
        ...(cue === undefined ? {} : entrance),
        ...style,
      }}
    >
      {icon}
      <span style={{overflow: 'hidden', textOverflow: 'ellipsis'}}>{children}</span>
    </div>
  );
};

/**
 * The signature on the bottom margin of every scene: the month on one side, "Reading recap" on the other (unless
 * the template turns branding off), small and quiet. It arrives with its scene (nothing in it moves).
 */
export const Footer: React.FC = () => {
  const {colors, fonts, template} = useTheme();
  const frame = useFrame();
  const {footer} = useContext(FooterContext);
  if (footer === null) {
    return null;
  }
  return (
    <div
      style={{
        position: 'absolute',
        left: frame.safe.x,
        right: frame.safe.x,
        bottom: frame.safe.bottom,
        height: FOOTER_HEIGHT,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'space-between',
        fontFamily: fonts.body,
        fontWeight: 700,
        fontSize: 24,
        letterSpacing: '0.18em',
        textTransform: 'uppercase',
        color: colors.faint,
        whiteSpace: 'nowrap',
      }}
    >
      <span style={{overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: '60%'}}>{footer}</span>
      {template.outro.showBranding ? <span>Reading recap</span> : null}
    </div>
  );
};

/** The footer's month line ("October 2026"), or null for no footer. */
export const FooterContext = React.createContext<{footer: string | null}>({footer: null});
