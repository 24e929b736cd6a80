/**
 * The opening card, which is also the video's poster: its first frame is already the finished card (nothing enters),
 * so any player that shows frame 0 (a gallery, a chat preview, a <video> before play) shows which month this is and
 * how much was read, not black. Motion starts when the first book wipes in.
 *
 * Layouts (template intro.layout): `split` (the default design) sets the text on the left of the upper part and a
 * shelf of the month's books below it, one spine per book in that book's own colour; `centered` centres every line
 * and has no shelf; `minimal` is only the month and the year, set on the top line like a masthead. `titleFontSize` is the month's largest size,
 * `subtitleFontSize` the year's, `showYear` hides it.
 */
import React from 'react';
import type {Book, RecapMeta} from '../../types';
import {FitText} from './FitText';
import {bookCountLabel, pluralize} from './format';
import {BookIcon} from './icons';
import {Eyebrow, SceneFrame} from './Scene';
import {Shelf} from './Shelf';
import {useFrame} from './frame';
import {bookSeed, useTheme} from './theme';

export const Intro: React.FC<{meta: RecapMeta; books: readonly Book[]; totalPages: number}> = ({meta, books, totalPages}) => {
  const {colors, fonts, template} = useTheme();
  const frame = useFrame();
  const {layout, titleFontSize, subtitleFontSize, showYear} = template.intro;
  const centered = layout === 'centered';
  const full = layout !== 'minimal';
  const shelf = layout === 'split' && books.length > 0;
  // The landscape cut sets the split layout's shelf beside the text, on the right half.
  const beside = shelf && frame.format === 'landscape';
  const textWidth = beside ? Math.round(frame.contentWidth * 0.52) : frame.contentWidth;
  // Left-aligned text keeps its own start side (a Hebrew month name starts at the right).
  const align = centered ? ('center' as const) : undefined;
  const text = (
    <div
      style={{
        flex: 1,
        width: textWidth,
        display: 'flex',
        flexDirection: 'column',
        // The minimal card is a masthead: the month and year on the top line, the footer on the bottom one.
        justifyContent: full ? 'center' : 'flex-start',
        ...(centered || !full ? {alignItems: centered ? 'center' : undefined, textAlign: align} : {}),
        paddingBottom: 40,
      }}
    >
      <FitText
        text={meta.monthName}
        font="display"
        width={textWidth}
        maxFontSize={titleFontSize}
        minFontSize={Math.min(64, titleFontSize)}
        maxLines={3}
        lineHeight={1.02}
        letterSpacingEm={-0.02}
        style={{color: colors.text, textAlign: align}}
      />
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
          }}
        >
          {meta.year}
        </div>
      ) : null}
      {full ? (
        <>
          <div
            style={{
              width: 180,
              height: 8,
              borderRadius: 4,
              background: colors.accent,
              margin: centered ? `60px auto 48px` : `60px 0 48px`,
            }}
          />
          <div style={{fontFamily: fonts.body, fontWeight: 600, fontSize: 72, lineHeight: 1.1, color: colors.text}}>
            {bookCountLabel(books.length)}
          </div>
          {totalPages > 0 ? (
            <div style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 48, lineHeight: 1.2, marginTop: 12, color: colors.muted}}>
              {pluralize(totalPages, 'page')}
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
  const spines = books.map((book) => ({title: book.title, color: bookSeed(book, template)}));
  return (
    <SceneFrame justify="flex-start">
      {full ? (
        <Eyebrow icon={<BookIcon size={40} />} style={centered ? {justifyContent: 'center'} : undefined}>
          Reading recap
        </Eyebrow>
      ) : null}
      {beside ? (
        <div style={{flex: 1, display: 'flex', gap: 48, alignItems: 'flex-end'}}>
          {text}
          <Shelf spines={spines} width={frame.contentWidth - textWidth - 48} height={Math.round(frame.contentHeight * 0.62)} />
        </div>
      ) : (
        <>
          {text}
          {shelf ? <Shelf spines={spines} height={400} /> : null}
        </>
      )}
    </SceneFrame>
  );
};
