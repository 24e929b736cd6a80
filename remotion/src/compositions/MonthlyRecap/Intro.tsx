/**
 * The opening card: which month this is and how much was read, readable at a glance in the first second.
 *
 * Layouts (template intro.layout): `split` (the default design) sets the text on the left of the upper part and a
 * shelf of the month's books below it; `centered` centres every line and has no shelf; `minimal` is only the month
 * and the year. `titleFontSize` is the month's largest size, `subtitleFontSize` the year's, `showYear` hides it.
 */
import React from 'react';
import type {RecapMeta} from '../../types';
import {FitText} from './FitText';
import {bookCountLabel} from './format';
import {BookIcon} from './icons';
import {useCue, useEntrance} from './motion';
import {Eyebrow, SceneFrame} from './Scene';
import {Shelf} from './Shelf';
import {CONTENT_WIDTH, useTheme} from './theme';

export const Intro: React.FC<{meta: RecapMeta; titles: readonly string[]}> = ({meta, titles}) => {
  const {colors, fonts, cues, template} = useTheme();
  const {layout, titleFontSize, subtitleFontSize, showYear} = template.intro;
  const month = useEntrance(cues.intro.month, 60);
  const year = useEntrance(cues.intro.year, 60);
  const count = useEntrance(cues.intro.count, 30);
  const rule = useCue(cues.intro.rule);
  const centered = layout === 'centered';
  const full = layout !== 'minimal';
  // Left-aligned text keeps its own start side (a Hebrew month name starts at the right).
  const align = centered ? ('center' as const) : undefined;
  return (
    <SceneFrame justify="space-between">
      <div
        style={{
          flex: 1,
          display: 'flex',
          flexDirection: 'column',
          justifyContent: 'center',
          ...(centered ? {alignItems: 'center', textAlign: 'center'} : {}),
          paddingBottom: 40,
        }}
      >
        {full ? (
          <Eyebrow cue={cues.intro.eyebrow} icon={<BookIcon size={40} />}>
            Reading recap
          </Eyebrow>
        ) : null}
        <div style={{marginTop: full ? 48 : 0, ...month}}>
          <FitText
            text={meta.monthName}
            font="display"
            width={CONTENT_WIDTH}
            maxFontSize={titleFontSize}
            minFontSize={Math.min(64, titleFontSize)}
            maxLines={3}
            lineHeight={1.02}
            letterSpacingEm={-0.02}
            style={{color: colors.text, textAlign: align}}
          />
        </div>
        {showYear ? (
          <div
            style={{
              fontFamily: fonts.display,
              fontStyle: 'italic',
              fontWeight: 400,
              fontSize: subtitleFontSize,
              lineHeight: 1.05,
              marginTop: 12,
              color: colors.accentSecondary,
              ...year,
            }}
          >
            {meta.year}
          </div>
        ) : null}
        {full ? (
          <>
            <div
              style={{
                width: 160,
                height: 6,
                borderRadius: 3,
                background: colors.accent,
                margin: '56px 0 44px',
                transform: `scaleX(${rule})`,
                transformOrigin: centered ? 'center' : 'left',
              }}
            />
            <div style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 60, color: colors.text, ...count}}>
              {bookCountLabel(titles.length)}
            </div>
          </>
        ) : null}
      </div>
      {layout === 'split' && titles.length > 0 ? <Shelf titles={titles} /> : null}
    </SceneFrame>
  );
};
