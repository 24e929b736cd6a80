/**
 * The intro's decoration: one book spine per book read (up to a shelf's worth), so the month's size is felt
 * before it is read. Flat shapes that rise in with springs; shapes derive from the titles, so every render of
 * the same month looks the same. The bands across each spine are the template's `overlay` colour.
 */
import React from 'react';
import {MAX_SPINES} from './choreography';
import {useCue} from './motion';
import {CONTENT_WIDTH, useTheme} from './theme';

/** The books' own colours after the first, which is the accent: spines are objects, not the palette. */
const SPINE_COLORS = ['#3A3E4C', '#555B6E', '#2A2D38', '#C9CCD6'];

function seed(text: string): number {
  let hash = 7;
  for (let index = 0; index < text.length; index++) {
    hash = (hash * 31 + text.charCodeAt(index)) >>> 0;
  }
  return hash;
}

const Spine: React.FC<{title: string; index: number}> = ({title, index}) => {
  const value = seed(title);
  const width = 46 + (value % 26);
  const height = 190 + ((value >>> 5) % 110);
  const {colors, cues} = useTheme();
  const color = [colors.accent, ...SPINE_COLORS][index % (SPINE_COLORS.length + 1)];
  const progress = useCue(cues.intro.spine(index));
  return (
    <div
      style={{
        width,
        height,
        flexShrink: 0,
        background: color,
        borderRadius: '6px 6px 2px 2px',
        transform: `translateY(${(1 - progress) * (height + 40)}px)`,
        position: 'relative',
      }}
    >
      <div style={{position: 'absolute', left: 8, right: 8, top: height * 0.14, height: 4, background: colors.overlay}} />
      <div style={{position: 'absolute', left: 8, right: 8, bottom: height * 0.12, height: 4, background: colors.overlay}} />
    </div>
  );
};

export const Shelf: React.FC<{titles: readonly string[]}> = ({titles}) => {
  const {colors, cues} = useTheme();
  const shown = titles.slice(0, MAX_SPINES);
  const board = useCue(cues.intro.shelfBoard);
  return (
    <div style={{width: CONTENT_WIDTH, overflow: 'hidden', paddingTop: 40}}>
      <div style={{display: 'flex', alignItems: 'flex-end', gap: 10, height: 300, paddingLeft: 20}}>
        {shown.map((title, index) => (
          <Spine key={`${index}-${title}`} title={title} index={index} />
        ))}
      </div>
      <div style={{height: 10, borderRadius: 5, background: colors.border, transform: `scaleX(${board})`, transformOrigin: 'left'}} />
    </div>
  );
};
