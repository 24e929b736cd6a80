/**
 * The sign-off. It names the next month when the export's month number allows it, so the video ends looking
 * forward rather than just stopping.
 *
 * Template (outro): `centered` (the default design) has the badge, the sign-off, the next month and a summary;
 * `minimal` only the sign-off and the next month; `branded` adds a "Reading recap" mark at the foot of the
 * frame. `showBranding: false` leaves the badge (and the mark) out; `customText` is the reader's own line under the
 * sign-off (plain text, at most 200 characters).
 */
import React from 'react';
import type {RecapMeta, RecapStats} from '../../types';
import {FitText} from './FitText';
import {bookCountLabel, nextMonthName, pluralize} from './format';
import {BookIcon} from './icons';
import {useCue, useEntrance} from './motion';
import {SceneFrame} from './Scene';
import {CONTENT_WIDTH, SAFE, useTheme} from './theme';

export const Outro: React.FC<{meta: RecapMeta; stats: RecapStats}> = ({meta, stats}) => {
  const {colors, fonts, cues, template} = useTheme();
  const {layout, showBranding, customText} = template.outro;
  const badge = useCue(cues.outro.badge);
  const heading = useEntrance(cues.outro.heading, 50);
  const line = useEntrance(cues.outro.line, 40);
  const summary = useEntrance(cues.outro.summary, 30);
  const next = nextMonthName(meta.month);
  const summaryParts = [`${meta.monthName} ${meta.year}`, bookCountLabel(stats.totalBooks)];
  if (stats.totalPages > 0) {
    summaryParts.push(pluralize(stats.totalPages, 'page'));
  }
  const branded = showBranding && layout !== 'minimal';
  return (
    <SceneFrame justify="center">
      <div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', textAlign: 'center', marginBottom: 80}}>
        {branded ? (
          <div
            style={{
              width: 168,
              height: 168,
              borderRadius: 84,
              border: `4px solid ${colors.accent}`,
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'center',
              opacity: badge,
              transform: `scale(${0.7 + 0.3 * badge})`,
              marginBottom: 64,
            }}
          >
            <BookIcon size={92} />
          </div>
        ) : null}
        <div style={heading}>
          <FitText
            text="Happy reading"
            font="display"
            width={CONTENT_WIDTH}
            maxFontSize={132}
            minFontSize={72}
            maxLines={1}
            lineHeight={1.05}
            letterSpacingEm={-0.02}
            style={{color: colors.text, textAlign: 'center'}}
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
            style={{color: colors.accentSecondary, textAlign: 'center'}}
          />
        </div>
        {customText !== null && customText.trim() !== '' ? (
          <div style={{marginTop: 36, ...line}}>
            <FitText
              text={customText}
              font="body"
              width={CONTENT_WIDTH}
              maxFontSize={48}
              minFontSize={30}
              maxLines={4}
              lineHeight={1.25}
              style={{color: colors.text, textAlign: 'center'}}
            />
          </div>
        ) : null}
        {layout !== 'minimal' ? (
          <div style={{marginTop: 72, width: CONTENT_WIDTH, ...summary}}>
            <div style={{height: 2, background: colors.border, marginBottom: 36}} />
            <FitText
              text={summaryParts.join('  ·  ')}
              font="body"
              width={CONTENT_WIDTH}
              maxFontSize={34}
              minFontSize={26}
              maxLines={2}
              lineHeight={1.3}
              style={{color: colors.faint, textAlign: 'center', fontFamily: fonts.body}}
            />
          </div>
        ) : null}
      </div>
      {layout === 'branded' && showBranding ? (
        <div
          style={{
            position: 'absolute',
            left: 0,
            right: 0,
            bottom: SAFE.bottom + 10,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            gap: 18,
            fontFamily: fonts.body,
            fontWeight: 700,
            fontSize: 34,
            letterSpacing: '0.24em',
            color: colors.accent,
            ...summary,
          }}
        >
          <BookIcon size={44} />
          READING RECAP
        </div>
      ) : null}
    </SceneFrame>
  );
};
