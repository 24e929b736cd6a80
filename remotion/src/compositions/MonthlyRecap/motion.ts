/**
 * The video's few motion rules in one place, so every scene enters and leaves the same way: a spring that slides
 * content up while fading it in (or, for books, the template's fade or pop), a springier "pop" for covers, badges
 * and stars, numbers that count up, and at each scene's end a push upwards while the next scene's colour wipes in
 * (transition.ts). Only opacity, transforms and clip paths change, which keeps each frame cheap to paint.
 *
 * Every motion is played from a cue of choreography.ts, where the timeline also reads when each scene stops moving.
 * Every style reaches exactly its final value (opacity 1, no offset, scale 1) when its cue has settled, so a
 * settled scene is the same picture whatever style brought it in.
 */
import type React from 'react';
import {interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import type {Template} from '../../template/template';
import type {Cue} from '../../timing/choreography';

export type EntranceStyle = Template['book']['animationStyle'];

/** 0 -> 1 progress of a cue at `frame` of its scene: a damped spring, or a linear tween, from its delay over its frames. */
export function cueProgress(cue: Cue, frame: number, fps: number): number {
  if (cue.kind === 'tween') {
    return interpolate(frame, [cue.delay, cue.delay + cue.frames], [0, 1], {
      extrapolateLeft: 'clamp',
      extrapolateRight: 'clamp',
    });
  }
  const config = cue.kind === 'pop' ? POP : SMOOTH;
  return spring({frame: frame - cue.delay, fps, durationInFrames: cue.frames, config});
}

/** Critically damped: into place without overshoot. */
const SMOOTH = {damping: 200};
/** Under-damped: a small overshoot (about 8 %) and back, for things that land (covers, badges, stars, tiles). */
const POP = {damping: 12, stiffness: 140, mass: 0.6};

/** 0 -> 1 progress of a cue at the current frame. */
export function useCue(cue: Cue): number {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  return cueProgress(cue, frame, fps);
}

/** A little overshoot on the way to 1 ("back" easing): exactly 0 at 0 and exactly 1 at 1. */
export function backOut(progress: number): number {
  const c1 = 1.70158;
  const c3 = c1 + 1;
  return 1 + c3 * (progress - 1) ** 3 + c1 * (progress - 1) ** 2;
}

/**
 * Style for an element entering at `progress` (0..1): `slide` rises `distance` px into place while fading in,
 * `fade` only fades in, `pop` fades in while growing from 60 % with a small overshoot.
 */
export function entranceStyle(progress: number, distance: number, style: EntranceStyle = 'slide'): React.CSSProperties {
  if (style === 'fade') {
    return {opacity: progress};
  }
  if (style === 'pop') {
    return {opacity: progress, transform: `scale(${0.6 + 0.4 * backOut(progress)})`};
  }
  return {opacity: progress, transform: `translateY(${(1 - progress) * distance}px)`};
}

/** Style for an element that enters on a spring cue (see `entranceStyle`). */
export function useEntrance(cue: Cue, distance = 40, style: EntranceStyle = 'slide'): React.CSSProperties {
  return entranceStyle(useCue(cue), distance, style);
}

/** Cubic ease-out of a 0..1 progress: fast at first, gently into place. */
export function easeOut(progress: number): number {
  return 1 - (1 - progress) ** 3;
}

/** A value that eases from 0 to `target` over a tween cue (or is `target` from the start, when not animated). */
export function useCountUp(target: number, cue: Cue, animate = true): number {
  const progress = useCue(cue);
  return animate ? target * easeOut(progress) : target;
}

/** Cubic ease-in-out of a 0..1 progress: the wipes between scenes. */
export function easeInOut(progress: number): number {
  return progress < 0.5 ? 4 * progress ** 3 : 1 - (-2 * progress + 2) ** 3 / 2;
}

/** 0 -> 1 across the frames [from, to) (0 before, 1 from `to` on). */
export function progressBetween(frame: number, from: number, to: number): number {
  return interpolate(frame, [from, Math.max(from + 1, to)], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'});
}
