/**
 * The end card, and the video's last frame: it stays on screen to the end at full strength (no fade to black), so
 * a player that stops on the last frame shows the month signed off. It names the next month when the export's month
 * number allows it, so the video ends looking forward rather than just stopping.
 *
 * Template (outro): `centered` (the default design) has the badge, the sign-off, the next month, a summary and the
 * month's shelf again at the foot, closing the video as it opened; `minimal` only the sign-off and the next month,
 * on the top line and left-aligned;
 * `branded` adds a large "Reading recap" mark above the footer instead of the shelf. `showBranding: false` leaves
 * the badge (and the mark) out; `customText` is the reader's own line under the sign-off (plain text, at most 200
 * characters).
 */
import React from 'react';
import type {Book, RecapMeta, RecapStats} from '../../types';
import {FitText} from './FitText';
import {bookCountLabel, nextMonthName, pluralize} from './format';
import {BookIcon} from './icons';
import {useCue, useEntrance} from './motion';
import {Eyebrow, SceneFrame} from './Scene';
import {Shelf} from './Shelf';
import {useFrame} from './frame';
import {bookSeed, useTheme} from './theme';

export const Outro: React.FC<{meta: RecapMeta; stats: RecapStats; books: readonly Book[]}> = ({meta, stats, books}) => {
  const {colors, fonts, cues, template} = useTheme();
  const frame = useFrame();
  const {contentWidth} = frame;
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
  const minimal = layout === 'minimal';
  const branded = showBranding && !minimal;
  return (
    <SceneFrame justify="flex-start">
      {minimal ? null : (
        <Eyebrow cue={cues.outro.heading} style={{justifyContent: 'center'}}>
          {`That was ${meta.monthName}`}
        </Eyebrow>
      )}
      <div
        style={{
          flex: 1,
          display: 'flex',
          flexDirection: 'column',
          // The minimal card signs off on the top line, left-aligned, the footer on the bottom one.
          alignItems: minimal ? 'flex-start' : 'center',
          justifyContent: minimal ? 'flex-start' : 'center',
          textAlign: minimal ? 'left' : 'center',
        }}
      >
        {branded ? (
          <div
            style={{
              width: 200,
              height: 200,
              borderRadius: 100,
              border: `5px solid ${colors.accent}`,
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'center',
              opacity: Math.min(1, badge),
              transform: `scale(${0.6 + 0.4 * badge})`,
              marginBottom: 72,
            }}
          >
            <BookIcon size={112} />
          </div>
        ) : null}
        <div style={heading}>
          <FitText
            text="Happy reading"
            font="display"
            width={contentWidth}
            maxFontSize={150}
            minFontSize={72}
            maxLines={1}
            lineHeight={1.05}
            letterSpacingEm={-0.02}
            style={{color: colors.text, textAlign: minimal ? 'left' : 'center'}}
          />
        </div>
        <div style={{marginTop: 32, ...line}}>
          <FitText
            text={next === null ? 'See you next month' : `See you in ${next}`}
            font="displayItalic"
            width={contentWidth}
            maxFontSize={80}
            minFontSize={44}
            maxLines={1}
            style={{color: colors.accentSecondary, textAlign: minimal ? 'left' : 'center'}}
          />
        </div>
        {customText !== null && customText.trim() !== '' ? (
          <div style={{marginTop: 40, ...line}}>
            <FitText
              text={customText}
              font="body"
              width={contentWidth}
              maxFontSize={52}
              minFontSize={30}
              maxLines={4}
              lineHeight={1.25}
              style={{color: colors.text, textAlign: minimal ? 'left' : 'center'}}
            />
          </div>
        ) : null}
        {minimal ? null : (
          <div style={{marginTop: 80, width: contentWidth, ...summary}}>
            <div style={{height: 2, background: colors.border, marginBottom: 40}} />
            <FitText
              text={summaryParts.join('  ·  ')}
              font="body"
              width={contentWidth}
              maxFontSize={38}
              minFontSize={26}
              maxLines={2}
              lineHeight={1.3}
              style={{color: colors.muted, textAlign: 'center', fontFamily: fonts.body}}
            />
          </div>
        )}
      </div>
      {layout === 'branded' && showBranding ? (
        <div
          style={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            gap: 22,
            height: 120,
            fontFamily: fonts.body,
            fontWeight: 700,
            fontSize: 44,
            letterSpacing: '0.24em',
            color: colors.accent,
            ...summary,
          }}
        >
          <BookIcon size={56} />
          READING RECAP
        </div>
      ) : null}
      {layout === 'centered' && books.length > 0 ? (
        <div style={summary}>
          <Shelf spines={books.map((book) => ({title: book.title, color: bookSeed(book, template)}))} height={220} />
        </div>
      ) : null}
    </SceneFrame>
  );
};
