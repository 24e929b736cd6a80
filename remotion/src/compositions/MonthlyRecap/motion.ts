/**
 * The video's few motion rules in one place, so every scene enters and leaves the same way: a damped spring
 * that slides content up while fading it in, and a short fade-out at each scene's end. Only opacity and
 * transforms change, which keeps each frame cheap to paint.
 *
 * Every motion is played from a cue of choreography.ts, where the timeline also reads when each scene stops moving.
 */
import type React from 'react';
import {interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
import {type Cue, fadeEndsAt, fadeStartsAt} from './choreography';

/** 0 -> 1 progress of a cue at `frame` of its scene: a damped spring, or a linear tween, from its delay over its frames. */
export function cueProgress(cue: Cue, frame: number, fps: number): number {
  if (cue.kind === 'tween') {
    return interpolate(frame, [cue.delay, cue.delay + cue.frames], [0, 1], {
      extrapolateLeft: 'clamp',
      extrapolateRight: 'clamp',
    });
  }
  return spring({frame: frame - cue.delay, fps, durationInFrames: cue.frames, config: {damping: 200}});
}

/** 0 -> 1 progress of a cue at the current frame. */
export function useCue(cue: Cue): number {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  return cueProgress(cue, frame, fps);
}

/** Style for an element that rises `distance` px into place while fading in, on a spring cue. */
export function useEntrance(cue: Cue, distance = 40): React.CSSProperties {
  const progress = useCue(cue);
  return {opacity: progress, transform: `translateY(${(1 - progress) * distance}px)`};
}

/** Cubic ease-out of a 0..1 progress: fast at first, gently into place. */
export function easeOut(progress: number): number {
  return 1 - (1 - progress) ** 3;
}

/** A value that eases from 0 to `target` over a tween cue. */
export function useCountUp(target: number, cue: Cue): number {
  return target * easeOut(useCue(cue));
}

/** Opacity for a whole scene: entrances are per element, so the scene itself only fades out at its end. */
export function sceneOpacity(frame: number, durationInFrames: number): number {
  return interpolate(frame, [fadeStartsAt(durationInFrames), fadeEndsAt(durationInFrames)], [1, 0], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
  });
}
