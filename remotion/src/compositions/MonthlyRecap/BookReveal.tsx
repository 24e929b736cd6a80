/**
 * One book per scene, laid out so the eye goes cover -> verdict -> title -> the CAWPILE breakdown. Every
 * optional field (cover, rating, sub-scores, page count) has a layout without it, and long titles or author
 * lists shrink and clamp instead of pushing the bars off the frame.
 */
import React from 'react';
import {BODY_FONT, DISPLAY_FONT} from '../../fonts';
import type {Book} from '../../types';
import {hanLang, textDirection} from '../../writingSystems';
import {subScores} from './cawpile';
import {CawpileBars} from './CawpileBars';
import {BOOK, BOOK_RATING} from './choreography';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {formatAuthors, formatRating, pluralize} from './format';
import {BookIcon, PagesIcon, StarRating} from './icons';
import {useCountUp, useCue, useEntrance} from './motion';
import {Eyebrow, SceneBody, SceneFrame} from './Scene';
import {StatusBadge} from './StatusBadge';
import {COLORS, CONTENT_WIDTH} from './theme';

const COVER_WIDTH = 360;
const COVER_HEIGHT = 540;
const SIDE_GAP = 48;
const SIDE_WIDTH = CONTENT_WIDTH - COVER_WIDTH - SIDE_GAP;

const RatingBlock: React.FC<{average: number}> = ({average}) => {
  const shown = useCountUp(average, BOOK_RATING.average);
  const stars = useCue(BOOK_RATING.stars);
  return (
    <div style={{display: 'flex', flexDirection: 'column', gap: 14}}>
      <div style={{fontFamily: BODY_FONT, fontWeight: 700, fontSize: 26, letterSpacing: '0.16em', color: COLORS.muted}}>
        CAWPILE
      </div>
      <div style={{display: 'flex', alignItems: 'baseline', gap: 12}}>
        <span style={{fontFamily: DISPLAY_FONT, fontWeight: 700, fontSize: 168, lineHeight: 0.9, color: COLORS.text}}>
          {formatRating(shown)}
        </span>
        <span style={{fontFamily: BODY_FONT, fontWeight: 500, fontSize: 40, color: COLORS.muted}}>/10</span>
      </div>
      <StarRating score={average} size={62} gap={8} reveal={stars} />
    </div>
  );
};

const NotRated: React.FC = () => (
  <div style={{display: 'flex', flexDirection: 'column', gap: 14}}>
    <div style={{fontFamily: BODY_FONT, fontWeight: 700, fontSize: 26, letterSpacing: '0.16em', color: COLORS.muted}}>
      CAWPILE
    </div>
    <div style={{fontFamily: DISPLAY_FONT, fontStyle: 'italic', fontWeight: 400, fontSize: 84, lineHeight: 1, color: COLORS.muted}}>
      not rated
    </div>
    <StarRating score={0} size={62} gap={8} />
  </div>
);

export const BookReveal: React.FC<{book: Book; index: number; total: number}> = ({book, index, total}) => {
  const coverIn = useCue(BOOK.cover);
  const badge = useEntrance(BOOK.badge, 30);
  const rating = useEntrance(BOOK.rating, 30);
  const pages = useEntrance(BOOK.pages, 30);
  const title = useEntrance(BOOK.title, 50);
  const authors = useEntrance(BOOK.authors, 50);
  const scores = book.rating === null ? [] : subScores(book.rating);
  // One convention for the whole book: a Japanese title with kana makes its kanji-only author Japanese too.
  const lang = hanLang(`${book.title} ${book.authors.join(' ')}`);
  return (
    <SceneFrame justify="flex-start">
      <Eyebrow icon={<BookIcon size={38} />}>{`Book ${index + 1} of ${total}`}</Eyebrow>
      <SceneBody>
        <div style={{display: 'flex', gap: SIDE_GAP}}>
          <div style={{opacity: coverIn, transform: `scale(${0.92 + 0.08 * coverIn})`, transformOrigin: 'left center'}}>
            <Cover url={book.coverUrl} title={book.title} width={COVER_WIDTH} height={COVER_HEIGHT} />
          </div>
          <div
            style={{
              width: SIDE_WIDTH,
              height: COVER_HEIGHT,
              display: 'flex',
              flexDirection: 'column',
              justifyContent: 'space-between',
              paddingTop: 6,
            }}
          >
            <div style={badge}>
              <StatusBadge status={book.status} />
            </div>
            <div style={rating}>{book.rating === null ? <NotRated /> : <RatingBlock average={book.rating.average} />}</div>
            <div style={{minHeight: 44, ...pages}}>
              {book.pageCount === null ? null : (
                <div style={{display: 'flex', alignItems: 'center', gap: 14}}>
                  <PagesIcon size={40} />
                  <span style={{fontFamily: BODY_FONT, fontWeight: 500, fontSize: 36, color: COLORS.muted}}>
                    {pluralize(book.pageCount, 'page')}
                  </span>
                </div>
              )}
            </div>
          </div>
        </div>
        <div style={{marginTop: 52, ...title}}>
          <FitText
            text={book.title}
            lang={lang}
            font="display"
            width={CONTENT_WIDTH}
            maxFontSize={84}
            minFontSize={44}
            maxLines={6}
            maxHeight={280}
            lineHeight={1.08}
            letterSpacingEm={-0.01}
            style={{color: COLORS.text}}
          />
        </div>
        <div style={{marginTop: 20, ...authors}}>
          {/* The names decide the line's direction, not the English "by": a Hebrew author's line is right-aligned. */}
          <FitText
            text={`by ${formatAuthors(book.authors)}`}
            lang={lang}
            dir={textDirection(book.authors.join(' '))}
            font="body"
            width={CONTENT_WIDTH}
            maxFontSize={40}
            minFontSize={30}
            maxLines={2}
            lineHeight={1.25}
            style={{color: COLORS.muted}}
          />
        </div>
        {scores.length > 0 ? (
          <div style={{marginTop: 40}}>
            <CawpileBars scores={scores} width={CONTENT_WIDTH} />
          </div>
        ) : null}
      </SceneBody>
    </SceneFrame>
  );
};
