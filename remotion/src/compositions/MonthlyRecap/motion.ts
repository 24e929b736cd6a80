/**
 * The video's few motion rules in one place, so every scene enters and leaves the same way: a damped spring
 * that slides content up while fading it in, and a short fade-out at each scene's end. Only opacity and
 * transforms change, which keeps each frame cheap to paint.
 */
import type React from 'react';
import {interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';

/** Frames of the fade-out at a scene's end. */
export const SCENE_FADE = 7;

/** 0 -> 1 progress of a spring that starts `delay` frames into the current sequence. */
export function useSpring(delay = 0, durationInFrames = 22): number {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  return spring({frame: frame - delay, fps, durationInFrames, config: {damping: 200}});
}

/** Style for an element that rises `distance` px into place while fading in. */
export function useEntrance(delay = 0, distance = 40): React.CSSProperties {
  const progress = useSpring(delay);
  return {opacity: progress, transform: `translateY(${(1 - progress) * distance}px)`};
}

/** A value that eases from 0 to `target` between frames `start` and `start + length` of the sequence. */
export function useCountUp(target: number, start = 6, length = 30): number {
  const frame = useCurrentFrame();
  const progress = interpolate(frame, [start, start + length], [0, 1], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
  });
  return target * (1 - (1 - progress) ** 3);
}

/** Opacity for a whole scene: entrances are per element, so the scene itself only fades out at its end. */
export function sceneOpacity(frame: number, durationInFrames: number): number {
  return interpolate(frame, [durationInFrames - SCENE_FADE, durationInFrames - 1], [1, 0], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
  });
}
