/**
 * The stats scene's "top rated" / "lowest rated" cards: a book and its score in one compact, scannable row. The
 * title sets the side its text column is aligned to: with a right-to-left title, the label and the score line up
 * with it on the right.
 */
import React from 'react';
import type {RatedBookRef} from '../../types';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {formatRating} from './format';
import {ArrowIcon, StarIcon} from './icons';
import {textDirection} from '../../fonts/writingSystems';
import {useFrame} from './frame';
import {RADIUS, ratingColor, useTheme} from './theme';

const PAD = 24;
const COVER_WIDTH = 116;
const COVER_HEIGHT = 174;

export const RatedBookCard: React.FC<{kind: 'top' | 'lowest'; book: RatedBookRef; width?: number; style?: React.CSSProperties}> = ({
  kind,
  book,
  width: given,
  style,
}) => {
  const {colors, fonts} = useTheme();
  const {contentWidth} = useFrame();
  const width = given ?? contentWidth;
  // The full-width card is as wide as the content without saying so (its width is the default design's).
  const textWidth = width - 2 * PAD - COVER_WIDTH - 32;
  const labelColor = kind === 'top' ? colors.accent : colors.muted;
  const rtl = textDirection(book.title) === 'rtl';
  const side = rtl ? ({alignItems: 'flex-end', textAlign: 'right'} as const) : {};
  return (
    <div
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 32,
        padding: PAD,
        borderRadius: RADIUS.card,
        background: colors.surface,
        border: `2px solid ${colors.border}`,
        ...(width === contentWidth ? {} : {width, boxSizing: 'border-box'}),
        ...style,
      }}
    >
      <Cover url={book.coverUrl} title={book.title} width={COVER_WIDTH} height={COVER_HEIGHT} radius={10} />
      <div style={{display: 'flex', flexDirection: 'column', gap: 10, width: textWidth, ...side}}>
        <div
          style={{
            display: 'flex',
            alignItems: 'center',
            gap: 10,
            fontFamily: fonts.body,
            fontWeight: 700,
            fontSize: 26,
            letterSpacing: '0.16em',
            color: labelColor,
          }}
        >
          <ArrowIcon size={30} direction={kind === 'top' ? 'up' : 'down'} color={labelColor} />
          {kind === 'top' ? 'TOP RATED' : 'LOWEST RATED'}
        </div>
        <FitText
          text={book.title}
          font="display"
          width={textWidth}
          maxFontSize={50}
          minFontSize={32}
          maxLines={2}
          lineHeight={1.1}
          style={{color: colors.text, textAlign: rtl ? 'right' : 'left'}}
        />
        <div style={{display: 'flex', alignItems: 'center', gap: 10}}>
          <StarIcon size={32} color={ratingColor(colors, book.rating)} />
          <span style={{fontFamily: fonts.body, fontWeight: 700, fontSize: 34, color: colors.text}}>{formatRating(book.rating)}</span>
          <span style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 28, color: colors.faint}}>/10</span>
        </div>
      </div>
    </div>
  );
};
