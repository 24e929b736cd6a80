/** The stats scene's "top rated" / "lowest rated" cards: a book and its score in one compact, scannable row. */
import React from 'react';
import {BODY_FONT} from '../../fonts';
import type {RatedBookRef} from '../../types';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {formatRating} from './format';
import {ArrowIcon, StarIcon} from './icons';
import {COLORS, CONTENT_WIDTH, RADIUS} from './theme';

const PAD = 24;
const COVER_WIDTH = 116;
const COVER_HEIGHT = 174;
const TEXT_WIDTH = CONTENT_WIDTH - 2 * PAD - COVER_WIDTH - 32;

export const RatedBookCard: React.FC<{kind: 'top' | 'lowest'; book: RatedBookRef; style?: React.CSSProperties}> = ({
  kind,
  book,
  style,
}) => (
  <div
    style={{
      display: 'flex',
      alignItems: 'center',
      gap: 32,
      padding: PAD,
      borderRadius: RADIUS.card,
      background: COLORS.surface,
      border: `2px solid ${COLORS.border}`,
      ...style,
    }}
  >
    <Cover url={book.coverUrl} title={book.title} width={COVER_WIDTH} height={COVER_HEIGHT} radius={10} />
    <div style={{display: 'flex', flexDirection: 'column', gap: 10, width: TEXT_WIDTH}}>
      <div
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 10,
          fontFamily: BODY_FONT,
          fontWeight: 700,
          fontSize: 26,
          letterSpacing: '0.16em',
          color: kind === 'top' ? COLORS.accent : COLORS.muted,
        }}
      >
        <ArrowIcon size={30} direction={kind === 'top' ? 'up' : 'down'} color={kind === 'top' ? COLORS.accent : COLORS.muted} />
        {kind === 'top' ? 'TOP RATED' : 'LOWEST RATED'}
      </div>
      <FitText
        text={book.title}
        font="display"
        width={TEXT_WIDTH}
        maxFontSize={50}
        minFontSize={32}
        maxLines={2}
        lineHeight={1.1}
        style={{color: COLORS.text}}
      />
      <div style={{display: 'flex', alignItems: 'center', gap: 10}}>
        <StarIcon size={32} />
        <span style={{fontFamily: BODY_FONT, fontWeight: 700, fontSize: 34, color: COLORS.text}}>{formatRating(book.rating)}</span>
        <span style={{fontFamily: BODY_FONT, fontWeight: 500, fontSize: 28, color: COLORS.muted}}>/10</span>
      </div>
    </div>
  </div>
);
