/**
 * What MonthlyRecap's `calculateMetadata` resolves for a recap: its length, its frame size (the recap's shape) and
 * the props with the static spans the driver holds (staticSpans.ts). One function for Root.tsx and the render
 * driver, which resolves it in Node from the bundle's own copy (driver/metadata.mjs) instead of opening a browser tab
 * that loads the whole bundle to ask (selectComposition, about half a second of every render's fixed cost).
 */
import {FRAMES, formatOf} from '../compositions/MonthlyRecap/frame';
import {resolveScenes} from '../template/template';
import {sampleRecap} from '../sampleRecap';
import type {MonthlyRecapProps} from '../types';
import type {WithStaticSpans} from './staticSpans';
import {calculateDuration, FPS, staticSpans} from './timeline';

export interface RecapMetadata {
  durationInFrames: number;
  fps: number;
  width: number;
  height: number;
  props: WithStaticSpans<MonthlyRecapProps>;
}

export const recapMetadata = (props: WithStaticSpans<MonthlyRecapProps>): RecapMetadata => {
  const template = resolveScenes(props.template);
  const frame = FRAMES[formatOf(props)];
  return {
    durationInFrames: calculateDuration(props, template),
    fps: FPS,
    width: frame.outputWidth,
    height: frame.outputHeight,
    props: {...props, staticSpans: staticSpans(props, template)},
  };
};

/**
 * What selectComposition resolves for the render driver's input props: Remotion gives calculateMetadata the
 * composition's default props overlaid with the input props, and so does this.
 */
export const resolveRecapComposition = (inputProps: Partial<WithStaticSpans<MonthlyRecapProps>>): RecapMetadata =>
  recapMetadata({...sampleRecap, ...inputProps} as WithStaticSpans<MonthlyRecapProps>);
