/**
 * What a composition may tell the render driver besides its length: `staticSpans` in the props its calculateMetadata
 * resolves, the frame ranges in which every frame is the same picture. The driver (driver/video.mjs,
 * driver/static-spans.mjs) captures the first frame of each span once and repeats it; a composition without them is
 * captured frame by frame. timeline.ts computes them for MonthlyRecap.
 *
 * They travel inside the resolved props because that is what selectComposition hands to the driver; components
 * ignore the field. A span must be exact (pixel for pixel), not approximate: tests/test_static_spans.py renders
 * both ends of every declared span and requires them identical.
 */

/**
 * Frames `first` to `last` (inclusive) show the same picture: that of frame `source` when given (an earlier frame
 * outside every span), else that of `first`.
 */
export interface StaticSpan {
  first: number;
  last: number;
  source?: number;
}

export type WithStaticSpans<Props> = Props & {staticSpans?: StaticSpan[]};
