/**
 * The recap's Open Graph card (1200 x 630): what a link to the recap shows when it unfurls in a chat or a feed. One
 * still, drawn from the same props as the video, in the template's colours and fonts: the month and the year, the
 * books and pages read, and up to five covers fanned out on the right, each in its ring (the video's covers, or
 * their placeholders in their own colours).
 */
import React, {useMemo} from 'react';
import {AbsoluteFill} from 'remotion';
import {designFaces} from '../../fonts/registry';
import {resolveScenes} from '../../template/template';
import type {MonthlyRecapProps} from '../../types';
import {Cover} from '../MonthlyRecap/Cover';
import {FitText} from '../MonthlyRecap/FitText';
import {bookCountLabel, pluralize} from '../MonthlyRecap/format';
import {BookIcon} from '../MonthlyRecap/icons';
import {ThemeContext, themeOf} from '../MonthlyRecap/theme';
import {useFaces, useFonts} from '../../fonts/useFonts';

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;
const PAD = 64;
const MAX_COVERS = 5;
const COVER_HEIGHT = 380;
/** How far each cover of the fan is turned, and how far it sits from the one before. */
const TURN = [-9, -4, 0, 4, 9];
/** The gap between the text column and the fan (its first cover leans left into it by up to ~30 px). */
const FAN_GAP = 60;

export const RecapCard: React.FC<MonthlyRecapProps> = (props) => {
  const key = JSON.stringify(props.template ?? null);
  const theme = useMemo(() => themeOf(resolveScenes(JSON.parse(key))), [key]);
  useFaces(designFaces(theme.families), 'the template families');
  const label = 'Reading recap';
  useFonts([{text: label.toUpperCase(), key: 'bodyBold', lang: null, families: theme.families}]);
  const {colors, fonts} = theme;
  const covers = props.books.slice(0, MAX_COVERS);
  const textWidth = covers.length > 0 ? 560 : CARD_WIDTH - 2 * PAD;
  const turns = TURN.slice(Math.floor((TURN.length - covers.length) / 2));
  const step = covers.length > 1 ? Math.min(110, (CARD_WIDTH - 2 * PAD - textWidth - FAN_GAP - COVER_HEIGHT / 1.5) / (covers.length - 1)) : 0;
  const fanWidth = COVER_HEIGHT / 1.5 + step * Math.max(0, covers.length - 1);
  const details = [bookCountLabel(props.books.length), ...(props.stats.totalPages > 0 ? [pluralize(props.stats.totalPages, 'page')] : [])];
  return (
    <ThemeContext.Provider value={theme}>
      <AbsoluteFill style={{backgroundColor: colors.background, color: colors.text, padding: PAD, display: 'flex', flexDirection: 'row'}}>
        <div style={{width: textWidth, display: 'flex', flexDirection: 'column', justifyContent: 'center', gap: 18}}>
          <div
            style={{
              display: 'flex',
              alignItems: 'center',
              gap: 14,
              fontFamily: fonts.body,
              fontWeight: 700,
              fontSize: 26,
              letterSpacing: '0.16em',
              textTransform: 'uppercase',
              color: colors.accent,
            }}
          >
            <BookIcon size={34} />
            {label}
          </div>
          <FitText
            text={props.meta.monthName}
            font="display"
            width={textWidth}
            maxFontSize={150}
            minFontSize={56}
            maxLines={2}
            lineHeight={1.02}
            letterSpacingEm={-0.02}
            style={{color: colors.text}}
          />
          <div style={{fontFamily: fonts.display, fontStyle: 'italic', fontWeight: 400, fontSize: 84, lineHeight: 1, color: colors.accentSecondary}}>
            {props.meta.year}
          </div>
          <div style={{width: 120, height: 6, borderRadius: 3, background: colors.accent, margin: '10px 0'}} />
          <div style={{fontFamily: fonts.body, fontWeight: 600, fontSize: 40, color: colors.text}}>{details.join('  ·  ')}</div>
        </div>
        {covers.length > 0 ? (
          <div style={{flex: 1, position: 'relative'}}>
            <div style={{position: 'absolute', top: (CARD_HEIGHT - 2 * PAD - COVER_HEIGHT) / 2, right: 0, width: fanWidth, height: COVER_HEIGHT}}>
              {covers.map((book, index) => (
                <div
                  key={`${book.id}-${index}`}
                  style={{
                    position: 'absolute',
                    left: index * step,
                    top: 0,
                    transform: `rotate(${turns[index] ?? 0}deg)`,
                    boxShadow: '0 18px 40px rgba(0, 0, 0, 0.35)',
                    borderRadius: 12,
                  }}
                >
                  <Cover url={book.coverUrl} title={book.title} width={COVER_HEIGHT / 1.5} height={COVER_HEIGHT} radius={12} />
                </div>
              ))}
            </div>
          </div>
        ) : null}
      </AbsoluteFill>
    </ThemeContext.Provider>
  );
};
