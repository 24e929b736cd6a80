/**
 * The browser preview: the MonthlyRecap composition played by Remotion's Player, from the same source as the
 * server's bundle, with the template resolved by the same resolver (template/template.ts), so the page shows the
 * picture the server will render before any render starts.
 *
 * Built with esbuild by scripts/build-preview.mjs (the render driver runs it when it builds the bundle, into the
 * bundle's preview/ folder, which the server serves at /preview/). The fonts travel with it (preview/fonts/): the
 * preview loads the bundled faces exactly as the video does, never the machine's.
 *
 * A plain script, for pages without a build step: `window.RecapPreview.mount(element, {recap, layers})` plays
 * `recap` with the template made of `layers` (a preset's template, then the page's own choices), and returns a
 * handle to update it, seek, or read its length.
 */
import {Player, type PlayerRef} from '@remotion/player';
import {createRef} from 'react';
import {createRoot} from 'react-dom/client';
import {MonthlyRecap} from '../src/compositions/MonthlyRecap';
import {calculateDuration, FPS, HEIGHT, WIDTH} from '../src/compositions/MonthlyRecap/timeline';
import {isCssColor} from '../src/template/colors';
import {resolveTemplate, type Template} from '../src/template/template';
import type {MonthlyRecapExport} from '../src/types';

export interface PreviewInput {
  recap: MonthlyRecapExport;
  /** Template layers, laid over the defaults in order (a preset's template, then overrides). */
  layers?: unknown[];
}

export interface PreviewHandle {
  update(input: PreviewInput): void;
  seekTo(frame: number): void;
  pause(): void;
  play(): void;
  readonly durationInFrames: number;
  readonly template: Template;
  unmount(): void;
}

function mount(element: HTMLElement, first: PreviewInput): PreviewHandle {
  const root = createRoot(element);
  const player = createRef<PlayerRef>();
  let template = resolveTemplate();
  let durationInFrames = 1;
  const render = ({recap, layers = []}: PreviewInput) => {
    template = resolveTemplate(...layers);
    durationInFrames = calculateDuration(recap, template);
    root.render(
      <Player
        ref={player}
        component={MonthlyRecap}
        inputProps={{...recap, template}}
        durationInFrames={durationInFrames}
        compositionWidth={WIDTH}
        compositionHeight={HEIGHT}
        fps={FPS}
        controls
        loop
        acknowledgeRemotionLicense
        style={{width: '100%', height: '100%'}}
      />,
    );
  };
  render(first);
  return {
    update: render,
    seekTo: (frame) => player.current?.seekTo(frame),
    pause: () => player.current?.pause(),
    play: () => player.current?.play(),
    get durationInFrames() {
      return durationInFrames;
    },
    get template() {
      return template;
    },
    unmount: () => root.unmount(),
  };
}

declare global {
  interface Window {
    RecapPreview: {mount: typeof mount; resolveTemplate: typeof resolveTemplate; isCssColor: typeof isCssColor};
  }
}

window.RecapPreview = {mount, resolveTemplate, isCssColor};
window.dispatchEvent(new Event('recap-preview-ready'));
