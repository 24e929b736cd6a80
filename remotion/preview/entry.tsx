/**
 * The browser preview: the MonthlyRecap composition played by Remotion's Player, from the same source as the
 * server's bundle, with the template resolved by the same resolver (template/template.ts), so the page shows the
 * picture the server will render before any render starts.
 *
 * Built with esbuild by scripts/build-preview.mjs (the render driver runs it when it builds the bundle, into the
 * bundle's preview/ folder, which the server serves at /preview/). The fonts travel with it (preview/fonts/): the
 * preview loads the bundled faces exactly as the video does, never the machine's.
 *
 * A plain script, for pages without a build step: `window.RecapPreview.mount(element, {recap, layers}, options)`
 * plays `recap` with the template made of `layers` (a preset's template, then the page's own choices), and returns
 * a handle to update it, seek, or read its length. `handle.showFrame(n)` pauses on frame n and resolves once that
 * frame is on screen with its fonts and covers: what a render would capture (Remotion waits for the same holds,
 * the composition's delayRender calls, before it takes a frame).
 *
 * Errors. The composition trusts its props (the server validates them before a render; the demo page asks the
 * server's POST /validate before it hands a pasted recap over). Whatever still throws while drawing is caught: the
 * box shows what went wrong instead of a black picture, `options.onError` hears it, and the next `update` mounts a
 * fresh Player (the Player's own error boundary never forgets an error), so a good recap plays again at once.
 *
 * Sound. The template's `audio` plays beside the composition (which stays silent, as it renders): a bed from the
 * preview's own folder (build-preview.mjs copies the beds into preview/audio/), a URL track from its URL, looped,
 * with the video's fades and the bed's gain to -14 LUFS (src/audio/soundtrack.ts).
 */
import {Player, type PlayerRef} from '@remotion/player';
import {Component, createRef, type FC, type ReactNode, useEffect, useLayoutEffect} from 'react';
import {createRoot} from 'react-dom/client';
import {Audio, useCurrentFrame} from 'remotion';
import {bedOf, previewVolume} from '../src/audio/soundtrack';
import {MonthlyRecap} from '../src/compositions/MonthlyRecap';
import {calculateDuration, FPS, HEIGHT, WIDTH} from '../src/timing/timeline';
import {isCssColor} from '../src/template/colors';
import {
  BOOK_LAYOUTS,
  COMING_SOON_LAYOUTS,
  INTRO_LAYOUTS,
  OUTRO_LAYOUTS,
  resolveTemplate,
  sceneTemplate,
  STATS_LAYOUTS,
  type TemplateAudio,
  type WireTemplate,
} from '../src/template/template';
import type {MonthlyRecapExport, MonthlyRecapProps} from '../src/types';

export interface PreviewInput {
  recap: MonthlyRecapExport;
  /** Template layers, laid over the defaults in order (a preset's template, then overrides). */
  layers?: unknown[];
}

export interface PreviewOptions {
  /** The Player's controls (default true); a page that only shows frames turns them off. */
  controls?: boolean;
  /** Told when drawing the recap failed (the box then shows the message, not a black picture). */
  onError?: (message: string) => void;
}

export interface PreviewHandle {
  update(input: PreviewInput): void;
  /** Show or hide the Player's controls (a paused Player shows them over the picture). */
  setControls(show: boolean): void;
  seekTo(frame: number): void;
  pause(): void;
  play(): void;
  /** Pause on `frame` and resolve once it is drawn, its fonts and covers loaded (see waitUntilSettled). */
  showFrame(frame: number): Promise<void>;
  readonly durationInFrames: number;
  /** The resolved template, in the wire's keys (what a page sends and the server resolves). */
  readonly template: WireTemplate;
  /** The frame the composition last drew (committed to the page), or -1 before the first. */
  readonly drawnFrame: number;
  /** What went wrong drawing the current input, or null while it plays. */
  readonly error: string | null;
  unmount(): void;
}

/** Each section's layouts, in the order the template's types list them, by the wire's keys (for a page's controls). */
export const LAYOUTS = {
  intro: INTRO_LAYOUTS,
  bookReveal: BOOK_LAYOUTS,
  statsReveal: STATS_LAYOUTS,
  comingSoon: COMING_SOON_LAYOUTS,
  outro: OUTRO_LAYOUTS,
} as const;

declare global {
  interface Window {
    RecapPreview: {
      mount: typeof mount;
      resolveTemplate: typeof resolveTemplate;
      isCssColor: typeof isCssColor;
      layouts: typeof LAYOUTS;
    };
  }
}

type FramedProps = MonthlyRecapProps & {onDrawn: (frame: number) => void; durationInFrames: number};

/** Where this script was loaded from: the beds are beside it (preview/audio/). */
const PREVIEW_BASE = document.currentScript instanceof HTMLScriptElement ? document.currentScript.src : document.baseURI;

/** The soundtrack's source: a bed from the preview's folder, or the template's URL. */
function audioSource(audio: TemplateAudio): string | null {
  if ('url' in audio) {
    return audio.url;
  }
  const bed = bedOf(audio);
  return bed ? new URL(bed.file, PREVIEW_BASE).href : null;
}

/** The template's soundtrack, looped under the whole video with its fades and gain; nothing when silent. */
const Soundtrack: FC<{audio: TemplateAudio | null; durationInFrames: number}> = ({audio, durationInFrames}) => {
  const source = audio === null || audio.volume <= 0 ? null : audioSource(audio);
  if (source === null) {
    return null;
  }
  return <Audio src={source} loop volume={(frame) => previewVolume(audio, frame, durationInFrames, FPS)} />;
};

/**
 * The composition, unchanged, plus a report of each frame it commits, and the soundtrack beside it. A layout effect
 * of the parent runs after the whole tree of that frame is in the DOM and after every hold its components asked for
 * during render (fonts, covers) has been registered, so "frame n drawn, no holds open" means frame n is complete.
 */
const Framed: FC<FramedProps> = ({onDrawn, durationInFrames, ...props}) => {
  const frame = useCurrentFrame();
  useLayoutEffect(() => onDrawn(frame));
  return (
    <>
      <MonthlyRecap {...props} />
      <Soundtrack audio={props.template?.audio ?? null} durationInFrames={durationInFrames} />
    </>
  );
};

/**
 * The composition is drawn inside the host page, so it would inherit the page's type (a page's `line-height: 1.5`
 * moved every label of the book and stats scenes a few pixels off the video's). The render's page inherits nothing:
 * nor does the Player here, whatever page hosts it.
 */
const HOST_RESET = {all: 'initial', display: 'block', width: '100%', height: '100%'} as const;

const FAILED_STYLE = {
  display: 'flex',
  alignItems: 'center',
  justifyContent: 'center',
  width: '100%',
  height: '100%',
  padding: '12%',
  boxSizing: 'border-box',
  background: '#1b1c22',
  color: '#f4efe6',
  fontFamily: 'Inter, system-ui, sans-serif',
  lineHeight: 1.45,
  textAlign: 'center',
} as const;

/**
 * What the box shows instead of a picture when drawing failed; it reports the failure once it is on screen. Inside
 * the Player (its errorFallback) it is drawn at the composition's size and scaled down with it, so its type is set
 * in the composition's pixels there (`scale`: 4, about 15 px in a 270 px wide box) and in the page's otherwise.
 */
interface FailedProps {
  message: string;
  report: (message: string) => void;
  scale?: number;
}

const Failed: FC<FailedProps> = ({message, report, scale = 1}) => {
  useEffect(() => report(message), [message, report]);
  return (
    <div role="alert" data-preview-error="" style={{...FAILED_STYLE, fontSize: `${15 * scale}px`}}>
      The preview cannot draw this recap: {message}
    </div>
  );
};

/** Catches what throws outside the Player's own boundary (the Player itself failing to mount). */
class Boundary extends Component<{report: (message: string) => void; children: ReactNode}, {error: Error | null}> {
  state = {error: null as Error | null};

  static getDerivedStateFromError(error: Error) {
    return {error};
  }

  render() {
    const {error} = this.state;
    return error ? <Failed message={error.message} report={this.props.report} /> : this.props.children;
  }
}

/** Whether nothing is pending in `element`: no delayRender hold, every font face loaded, every image decoded. */
function settled(element: HTMLElement): boolean {
  // Remotion's open delayRender holds: the `remotion` package keeps them on window in every environment.
  const holds = window.remotion_delayRenderHandles ?? [];
  const images = Array.from(element.querySelectorAll('img'));
  return holds.length === 0 && document.fonts.status === 'loaded' && images.every((image) => image.complete);
}

/** Resolve on the first animation frame at which `condition` holds (checked once per painted frame). */
function untilFrame(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (condition() ? resolve() : requestAnimationFrame(check));
    requestAnimationFrame(check);
  });
}

function mount(element: HTMLElement, first: PreviewInput, options: PreviewOptions = {}): PreviewHandle {
  const root = createRoot(element);
  const player = createRef<PlayerRef>();
  let template = resolveTemplate();
  let durationInFrames = 1;
  let drawnFrame = -1;
  let current = first;
  let controls = options.controls ?? true;
  // A new generation is a fresh Player: after a failure, the next input starts from a clean slate.
  let generation = 0;
  let error: string | null = null;
  const onDrawn = (frame: number) => {
    drawnFrame = frame;
  };
  const report = (message: string) => {
    if (error === message) {
      return;
    }
    error = message;
    options.onError?.(message);
  };
  const render = (input: PreviewInput) => {
    current = input;
    const {recap, layers = []} = input;
    template = resolveTemplate(...layers);
    durationInFrames = calculateDuration(recap, sceneTemplate(template));
    drawnFrame = -1;
    if (error !== null) {
      generation += 1;
      error = null;
    }
    root.render(
      <div style={HOST_RESET}>
        <Boundary key={generation} report={report}>
          <Player
            ref={player}
            component={Framed}
            inputProps={{...recap, template, onDrawn, durationInFrames}}
            durationInFrames={durationInFrames}
            compositionWidth={WIDTH}
            compositionHeight={HEIGHT}
            fps={FPS}
            controls={controls}
            loop
            acknowledgeRemotionLicense
            errorFallback={({error: thrown}) => <Failed message={thrown.message} report={report} scale={4} />}
            style={{width: '100%', height: '100%'}}
          />
        </Boundary>
      </div>,
    );
  };
  render(first);
  const showFrame = async (frame: number) => {
    const target = Math.max(0, Math.min(durationInFrames - 1, Math.floor(frame)));
    await untilFrame(() => player.current !== null);
    player.current?.pause();
    player.current?.seekTo(target);
    await untilFrame(() => drawnFrame === target && settled(element));
    await document.fonts.ready;
    // One more painted frame, so what is on screen is what was settled.
    await untilFrame(() => true);
  };
  return {
    update: render,
    setControls: (show) => {
      controls = show;
      render(current);
    },
    seekTo: (frame) => player.current?.seekTo(frame),
    pause: () => player.current?.pause(),
    play: () => player.current?.play(),
    showFrame,
    get durationInFrames() {
      return durationInFrames;
    },
    get template() {
      return template;
    },
    get drawnFrame() {
      return drawnFrame;
    },
    get error() {
      return error;
    },
    unmount: () => root.unmount(),
  };
}

window.RecapPreview = {mount, resolveTemplate, isCssColor, layouts: LAYOUTS};
window.dispatchEvent(new Event('recap-preview-ready'));
