/**
 * How one scene gives way to the next: the next scene's background rises from the bottom edge over the last frames
 * of the one before (its exit part), a band of its accent riding on the edge, while the old content is pushed up
 * (Scene.tsx).
 * The wipe completes on the frame the new scene starts, which timeline.ts puts on the beat when there is music, so
 * the cut is felt with the beat. Each scene paints its own full-bleed background here: the intro, stats and outro
 * the template's, each book a tint of its own cover.
 */
import React from 'react';
import {AbsoluteFill, Sequence, useCurrentFrame} from 'remotion';
import {easeInOut} from './motion';
import {useFrame} from './frame';
import type {Palette} from './theme';

/** The accent band riding on the wipe's edge, in px. */
const BAND = 44;

/** The scene's background over the whole scene, rising in over its first `wipeIn` frames. */
const Backdrop: React.FC<{colors: Palette; wipeIn: number}> = ({colors, wipeIn}) => {
  const frame = useCurrentFrame();
  const {height} = useFrame();
  if (wipeIn === 0 || frame >= wipeIn) {
    return <AbsoluteFill style={{backgroundColor: colors.background}} />;
  }
  const edge = Math.round((1 - easeInOut((frame + 1) / wipeIn)) * height);
  return (
    <>
      <AbsoluteFill style={{backgroundColor: colors.background, clipPath: `inset(${edge}px 0 0 0)`}} />
      {edge > 0 ? (
        <div style={{position: 'absolute', left: 0, right: 0, top: edge - BAND, height: BAND, background: colors.accent}} />
      ) : null}
    </>
  );
};

/**
 * One scene on the timeline: mounted `wipeIn` frames before its own first frame (its background wiping in), its
 * content from that first frame on, in a Sequence of its own so the content's frames count from its start.
 */
export const SceneSlot: React.FC<{
  from: number;
  wipeIn: number;
  durationInFrames: number;
  colors: Palette;
  name: string;
  children: React.ReactNode;
}> = ({from, wipeIn, durationInFrames, colors, name, children}) => (
  <Sequence from={from - wipeIn} durationInFrames={wipeIn + durationInFrames} name={name}>
    <Backdrop colors={colors} wipeIn={wipeIn} />
    <Sequence from={wipeIn} durationInFrames={durationInFrames} name={`${name} content`}>
      {children}
    </Sequence>
  </Sequence>
);
