/**
 * The shape of the video being drawn: the story (9:16, the default), or the square and landscape cuts of the same
 * scenes for feeds that want them. Every scene lays itself out from the frame it is given (its size and its safe
 * margins), so a cut is the same design reflowed, never the story letterboxed or cropped: nothing is clipped and
 * every text stays inside the margins. The timing is the same in every shape (timeline.ts does not depend on it),
 * so the cuts share their sound and their beat with the story.
 *
 * Sizes are the story's: a scene is laid out on a canvas of the frame's `width` x `height` in the story's pixels
 * (a 1080 px square would make the story's type too big for it), and the composition scales that canvas by `scale`
 * to the video's own size (`outputWidth` x `outputHeight`), so every component keeps its one set of sizes.
 */
import {createContext, useContext} from 'react';

export const FORMATS = ['story', 'square', 'landscape'] as const;
export type Format = (typeof FORMATS)[number];

export interface Frame {
  format: Format;
  /** The canvas scenes are laid out on, in the story's pixels. */
  width: number;
  height: number;
  /** Margins: phone apps lay their UI over the top and bottom of a story; feeds need less. */
  safe: {x: number; top: number; bottom: number};
  /** The space between the margins. */
  contentWidth: number;
  contentHeight: number;
  /** The video's own size, and the canvas's scale to it. */
  outputWidth: number;
  outputHeight: number;
  scale: number;
}

function frame(format: Format, output: [number, number], scale: number, safe: Frame['safe']): Frame {
  const [width, height] = [Math.round(output[0] / scale), Math.round(output[1] / scale)];
  return {
    format,
    width,
    height,
    safe,
    contentWidth: width - 2 * safe.x,
    contentHeight: height - safe.top - safe.bottom,
    outputWidth: output[0],
    outputHeight: output[1],
    scale,
  };
}

export const FRAMES: Record<Format, Frame> = {
  story: frame('story', [1080, 1920], 1, {x: 80, top: 120, bottom: 200}),
  // 1500 x 1500 of the story's pixels in 1080 x 1080.
  square: frame('square', [1080, 1080], 0.72, {x: 88, top: 78, bottom: 78}),
  // 2400 x 1350 in 1920 x 1080.
  landscape: frame('landscape', [1920, 1080], 0.8, {x: 120, top: 80, bottom: 80}),
};

/** The format a composition's props ask for (`format`), the story when they ask for none or another. */
export function formatOf(props: {format?: unknown}): Format {
  return FORMATS.find((format) => format === props.format) ?? 'story';
}

export const FrameContext = createContext<Frame>(FRAMES.story);

export function useFrame(): Frame {
  return useContext(FrameContext);
}
