/** The opening card: which month this is and how much was read, readable at a glance in the first second. */
import React from 'react';
import {BODY_FONT, DISPLAY_FONT} from '../../fonts';
import type {RecapMeta} from '../../types';
import {FitText} from './FitText';
import {bookCountLabel} from './format';
import {BookIcon} from './icons';
import {INTRO} from './choreography';
import {useCue, useEntrance} from './motion';
import {Eyebrow, SceneFrame} from './Scene';
import {Shelf} from './Shelf';
import {COLORS, CONTENT_WIDTH} from './theme';

export const Intro: React.FC<{meta: RecapMeta; titles: readonly string[]}> = ({meta, titles}) => {
  const month = useEntrance(INTRO.month, 60);
  const year = useEntrance(INTRO.year, 60);
  const count = useEntrance(INTRO.count, 30);
  const rule = useCue(INTRO.rule);
  return (
    <SceneFrame justify="space-between">
      <div style={{flex: 1, display: 'flex', flexDirection: 'column', justifyContent: 'center', paddingBottom: 40}}>
        <Eyebrow icon={<BookIcon size={40} />}>Reading recap</Eyebrow>
        <div style={{marginTop: 48, ...month}}>
          <FitText
            text={meta.monthName}
            font="display"
            width={CONTENT_WIDTH}
            maxFontSize={220}
            minFontSize={64}
            maxLines={3}
            lineHeight={1.02}
            letterSpacingEm={-0.02}
            style={{color: COLORS.text}}
          />
        </div>
        <div
          style={{
            fontFamily: DISPLAY_FONT,
            fontStyle: 'italic',
            fontWeight: 400,
            fontSize: 140,
            lineHeight: 1.05,
            marginTop: 12,
            color: COLORS.accent,
            ...year,
          }}
        >
          {meta.year}
        </div>
        <div
          style={{
            width: 160,
            height: 6,
            borderRadius: 3,
            background: COLORS.accent,
            margin: '56px 0 44px',
            transform: `scaleX(${rule})`,
            transformOrigin: 'left',
          }}
        />
        <div style={{fontFamily: BODY_FONT, fontWeight: 500, fontSize: 60, color: COLORS.text, ...count}}>
          {bookCountLabel(titles.length)}
        </div>
      </div>
      {titles.length > 0 ? <Shelf titles={titles} /> : null}
    </SceneFrame>
  );
};
