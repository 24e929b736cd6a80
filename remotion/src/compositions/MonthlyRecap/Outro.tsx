/**
 * The sign-off. It names the next month when the export's month number allows it, so the video ends looking
 * forward rather than just stopping.
 */
import React from 'react';
import {BODY_FONT} from '../../fonts';
import type {RecapMeta, RecapStats} from '../../types';
import {FitText} from './FitText';
import {bookCountLabel, nextMonthName, pluralize} from './format';
import {BookIcon} from './icons';
import {OUTRO} from './choreography';
import {useCue, useEntrance} from './motion';
import {SceneFrame} from './Scene';
import {COLORS, CONTENT_WIDTH} from './theme';

export const Outro: React.FC<{meta: RecapMeta; stats: RecapStats}> = ({meta, stats}) => {
  const badge = useCue(OUTRO.badge);
  const heading = useEntrance(OUTRO.heading, 50);
  const line = useEntrance(OUTRO.line, 40);
  const summary = useEntrance(OUTRO.summary, 30);
  const next = nextMonthName(meta.month);
  const summaryParts = [`${meta.monthName} ${meta.year}`, bookCountLabel(stats.totalBooks)];
  if (stats.totalPages > 0) {
    summaryParts.push(pluralize(stats.totalPages, 'page'));
  }
  return (
    <SceneFrame justify="center">
      <div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', textAlign: 'center', marginBottom: 80}}>
        <div
          style={{
            width: 168,
            height: 168,
            borderRadius: 84,
            border: `4px solid ${COLORS.accent}`,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            opacity: badge,
            transform: `scale(${0.7 + 0.3 * badge})`,
          }}
        >
          <BookIcon size={92} />
        </div>
        <div style={{marginTop: 64, ...heading}}>
          <FitText
            text="Happy reading"
            font="display"
            width={CONTENT_WIDTH}
            maxFontSize={132}
            minFontSize={72}
            maxLines={1}
            lineHeight={1.05}
            letterSpacingEm={-0.02}
            style={{color: COLORS.text, textAlign: 'center'}}
          />
        </div>
        <div style={{marginTop: 28, ...line}}>
          <FitText
            text={next === null ? 'See you next month' : `See you in ${next}`}
            font="displayItalic"
            width={CONTENT_WIDTH}
            maxFontSize={68}
            minFontSize={44}
            maxLines={1}
            style={{color: COLORS.accent, textAlign: 'center'}}
          />
        </div>
        <div style={{marginTop: 72, width: CONTENT_WIDTH, ...summary}}>
          <div style={{height: 2, background: COLORS.border, marginBottom: 36}} />
          <FitText
            text={summaryParts.join('  ·  ')}
            font="body"
            width={CONTENT_WIDTH}
            maxFontSize={34}
            minFontSize={26}
            maxLines={2}
            lineHeight={1.3}
            style={{color: COLORS.muted, textAlign: 'center', fontFamily: BODY_FONT}}
          />
        </div>
      </div>
    </SceneFrame>
  );
};
