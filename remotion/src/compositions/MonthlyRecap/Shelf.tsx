/**
 * The intro's decoration: one book spine per book read (up to a shelf's worth), each in its book's own colour (the
 * colour its scene is tinted with), so the month's size and mood are felt before they are read. Flat shapes whose
 * sizes derive from the titles, so every render of the same month looks the same. The bands across each spine are
 * the template's `overlay` colour. It stands still: the intro is the video's poster.
 */
import React from 'react';
import {ensureContrast, GRAPHIC_CONTRAST} from '../../palette';
import {MAX_SPINES} from '../../timing/choreography';
import {useFrame} from './frame';
import {useTheme} from './theme';

function seed(text: string): number {
  let hash = 7;
  for (let index = 0; index < text.length; index++) {
    hash = (hash * 31 + text.charCodeAt(index)) >>> 0;
  }
  return hash;
}

/** Room the spines stand in: a few books get wide spines, a full shelf narrow ones. */
const SHELF_PADDING = 20;
const SPINE_GAP = 10;

const Spine: React.FC<{title: string; color: string; base: number; tall: number}> = ({title, color, base, tall}) => {
  const value = seed(title);
  const width = base + (value % Math.max(1, Math.round(base / 2)));
  const height = tall * (0.64 + ((value >>> 5) % 37) / 100);
  const {colors} = useTheme();
  // A spine is a graphic: it keeps its book's hue but stands out from the background (a black cover's spine on a
  // dark template would vanish).
  const fill = ensureContrast(color, colors.background, GRAPHIC_CONTRAST);
  return (
    <div style={{width, height, flexShrink: 0, background: fill, borderRadius: '6px 6px 2px 2px', position: 'relative'}}>
      <div style={{position: 'absolute', left: 8, right: 8, top: height * 0.14, height: 5, background: colors.overlay}} />
      <div style={{position: 'absolute', left: 8, right: 8, bottom: height * 0.12, height: 5, background: colors.overlay}} />
    </div>
  );
};

export const Shelf: React.FC<{spines: ReadonlyArray<{title: string; color: string}>; height?: number; width?: number}> = ({
  spines,
  height = 400,
  width: given,
}) => {
  const {colors} = useTheme();
  const frame = useFrame();
  const width = given ?? frame.contentWidth;
  const shown = spines.slice(0, MAX_SPINES);
  const gap = SPINE_GAP;
  const padding = SHELF_PADDING;
  // Widths up to one and a half times `base`, so the widest shelf still fits.
  const base = Math.max(36, Math.min(96, Math.floor((width - 2 * padding - gap * (shown.length - 1)) / (shown.length * 1.5))));
  return (
    <div style={{width, overflow: 'hidden', flexShrink: 0}}>
      <div style={{display: 'flex', alignItems: 'flex-end', gap, height, paddingLeft: padding}}>
        {shown.map((spine, index) => (
          <Spine key={`${index}-${spine.title}`} title={spine.title} color={spine.color} base={base} tall={height} />
        ))}
      </div>
      <div style={{height: 12, borderRadius: 6, background: colors.border}} />
    </div>
  );
};
