/**
 * The books, laid out so the eye goes cover -> verdict -> title -> the CAWPILE breakdown. Every optional field
 * (cover, rating, sub-scores, page count) has a layout without it, and long titles or author lists shrink and
 * clamp instead of pushing the bars off the frame.
 *
 * Template (bookReveal): `sequential` (the default design) is one scene per book, the cover beside its verdict;
 * `carousel` is one scene per book too, its cover sliding in between the neighbouring books' covers; `grid` (see
 * BookGrid) shows every book in one scene. `showRatings` and `showAuthors` leave the rating (stars, average, bars)
 * and the author line out, `coverSize` sizes the cover, `animationStyle` is how the text enters (slide, fade, pop).
 */
import React from 'react';
import type {Book} from '../../types';
import {hanLang, textDirection} from '../../writingSystems';
import {subScores} from './cawpile';
import {CawpileBars} from './CawpileBars';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {formatAuthors, formatRating, pluralize} from './format';
import {BookIcon, PagesIcon, StarRating} from './icons';
import {backOut, entranceStyle, useCountUp, useCue} from './motion';
import {Eyebrow, SceneBody, SceneFrame} from './Scene';
import {StatusBadge} from './StatusBadge';
import {CONTENT_WIDTH, ratingColor, SAFE, useTheme} from './theme';

/** Cover width by template coverSize (height is 1.5 times it). `medium` is the default design's cover. */
export const COVER_WIDTHS = {small: 280, medium: 360, large: 440} as const;
const SIDE_GAP = 48;

const RatingBlock: React.FC<{average: number}> = ({average}) => {
  const {colors, fonts, cues} = useTheme();
  const shown = useCountUp(average, cues.bookRating.average);
  const stars = useCue(cues.bookRating.stars);
  return (
    <div style={{display: 'flex', flexDirection: 'column', gap: 14}}>
      <div style={{fontFamily: fonts.body, fontWeight: 700, fontSize: 26, letterSpacing: '0.16em', color: colors.faint}}>
        CAWPILE
      </div>
      <div style={{display: 'flex', alignItems: 'baseline', gap: 12}}>
        <span style={{fontFamily: fonts.display, fontWeight: 700, fontSize: 168, lineHeight: 0.9, color: colors.text}}>
          {formatRating(shown)}
        </span>
        <span style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 40, color: colors.faint}}>/10</span>
      </div>
      <StarRating score={average} size={62} gap={8} reveal={stars} color={ratingColor(colors, average)} />
    </div>
  );
};

const NotRated: React.FC = () => {
  const {colors, fonts} = useTheme();
  return (
    <div style={{display: 'flex', flexDirection: 'column', gap: 14}}>
      <div style={{fontFamily: fonts.body, fontWeight: 700, fontSize: 26, letterSpacing: '0.16em', color: colors.faint}}>
        CAWPILE
      </div>
      <div style={{fontFamily: fonts.display, fontStyle: 'italic', fontWeight: 400, fontSize: 84, lineHeight: 1, color: colors.faint}}>
        not rated
      </div>
      <StarRating score={0} size={62} gap={8} />
    </div>
  );
};

/** The cover's own entrance: the default design's grows from 92 % while fading in; fade and pop as their names say. */
function coverEntrance(progress: number, style: 'slide' | 'fade' | 'pop'): React.CSSProperties {
  if (style === 'fade') {
    return {opacity: progress};
  }
  if (style === 'pop') {
    return {opacity: progress, transform: `scale(${0.6 + 0.4 * backOut(progress)})`, transformOrigin: 'center'};
  }
  return {opacity: progress, transform: `scale(${0.92 + 0.08 * progress})`, transformOrigin: 'left center'};
}

/** The title and, unless the template leaves it out, the author line. */
const TitleAndAuthors: React.FC<{book: Book; centered?: boolean; titleMaxHeight?: number}> = ({book, centered = false, titleMaxHeight = 280}) => {
  const {colors, cues, template} = useTheme();
  const style = template.bookReveal.animationStyle;
  const title = entranceStyle(useCue(cues.book.title), 50, style);
  const authors = entranceStyle(useCue(cues.book.authors), 50, style);
  // One convention for the whole book: a Japanese title with kana makes its kanji-only author Japanese too.
  const lang = hanLang(`${book.title} ${book.authors.join(' ')}`);
  const align = centered ? ({textAlign: 'center'} as const) : {};
  return (
    <>
      <div style={{marginTop: 52, ...title}}>
        <FitText
          text={book.title}
          lang={lang}
          font="display"
          width={CONTENT_WIDTH}
          maxFontSize={84}
          minFontSize={44}
          maxLines={6}
          maxHeight={titleMaxHeight}
          lineHeight={1.08}
          letterSpacingEm={-0.01}
          style={{color: colors.text, ...align}}
        />
      </div>
      {template.bookReveal.showAuthors ? (
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
            style={{color: colors.muted, ...align}}
          />
        </div>
      ) : null}
    </>
  );
};

const PageCount: React.FC<{book: Book}> = ({book}) => {
  const {colors, fonts} = useTheme();
  return book.pageCount === null ? null : (
    <div style={{display: 'flex', alignItems: 'center', gap: 14}}>
      <PagesIcon size={40} />
      <span style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 36, color: colors.muted}}>{pluralize(book.pageCount, 'page')}</span>
    </div>
  );
};

/** One book per scene: the cover on the left, badge, rating and page count beside it, then title and bars. */
const SequentialBook: React.FC<{book: Book; index: number; total: number}> = ({book, index, total}) => {
  const {cues, template} = useTheme();
  const {showRatings, coverSize, animationStyle: style} = template.bookReveal;
  const coverWidth = COVER_WIDTHS[coverSize];
  const coverHeight = coverWidth * 1.5;
  const coverIn = useCue(cues.book.cover);
  const badge = entranceStyle(useCue(cues.book.badge), 30, style);
  const rating = entranceStyle(useCue(cues.book.rating), 30, style);
  const pages = entranceStyle(useCue(cues.book.pages), 30, style);
  const scores = book.rating === null || !showRatings ? [] : subScores(book.rating);
  return (
    <SceneFrame justify="flex-start">
      <Eyebrow cue={cues.book.eyebrow} icon={<BookIcon size={38} />}>{`Book ${index + 1} of ${total}`}</Eyebrow>
      <SceneBody>
        <div style={{display: 'flex', gap: SIDE_GAP}}>
          <div style={coverEntrance(coverIn, style)}>
            <Cover url={book.coverUrl} title={book.title} width={coverWidth} height={coverHeight} />
          </div>
          <div
            style={{
              width: CONTENT_WIDTH - coverWidth - SIDE_GAP,
              height: coverHeight,
              display: 'flex',
              flexDirection: 'column',
              justifyContent: 'space-between',
              paddingTop: 6,
            }}
          >
            <div style={badge}>
              <StatusBadge status={book.status} />
            </div>
            {showRatings ? (
              <div style={rating}>{book.rating === null ? <NotRated /> : <RatingBlock average={book.rating.average} />}</div>
            ) : null}
            <div style={{minHeight: 44, ...pages}}>
              <PageCount book={book} />
            </div>
          </div>
        </div>
        <TitleAndAuthors book={book} />
        {scores.length > 0 ? (
          <div style={{marginTop: 40}}>
            <CawpileBars scores={scores} width={CONTENT_WIDTH} />
          </div>
        ) : null}
      </SceneBody>
    </SceneFrame>
  );
};

/** How far the carousel's cover travels in, and how much of a neighbouring cover shows at the frame's edge. */
const CAROUSEL_TRAVEL = 420;
const NEIGHBOUR_SHOWN = 150;

/**
 * One book per scene, its cover sliding in from the right between the covers of the books before and after it,
 * which show at the frame's edges. Rating as stars and the average in one line (no bars).
 */
const CarouselBook: React.FC<{books: readonly Book[]; index: number}> = ({books, index}) => {
  const {colors, fonts, cues, template} = useTheme();
  const {showRatings, coverSize, animationStyle: style} = template.bookReveal;
  const book = books[index];
  const coverWidth = COVER_WIDTHS[coverSize];
  const coverHeight = coverWidth * 1.5;
  const coverIn = useCue(cues.book.cover);
  const neighbours = useCue(cues.book.badge);
  const badge = entranceStyle(useCue(cues.book.badge), 30, style);
  const rating = entranceStyle(useCue(cues.book.rating), 30, style);
  const stars = useCue(cues.bookRating.stars);
  const average = useCountUp(book.rating?.average ?? 0, cues.bookRating.average);
  const neighbour = (other: Book, side: 'left' | 'right') => (
    <div
      key={side}
      style={{
        position: 'absolute',
        top: coverHeight * 0.1,
        [side]: -SAFE.x - coverWidth * 0.8 + NEIGHBOUR_SHOWN,
        opacity: 0.4 * neighbours,
      }}
    >
      <Cover url={other.coverUrl} title={other.title} width={coverWidth * 0.8} height={coverHeight * 0.8} />
    </div>
  );
  return (
    <SceneFrame justify="flex-start">
      <Eyebrow cue={cues.book.eyebrow} icon={<BookIcon size={38} />}>{`Book ${index + 1} of ${books.length}`}</Eyebrow>
      <SceneBody>
        <div style={{position: 'relative', height: coverHeight, display: 'flex', justifyContent: 'center'}}>
          {index > 0 ? neighbour(books[index - 1], 'left') : null}
          {index < books.length - 1 ? neighbour(books[index + 1], 'right') : null}
          <div style={{opacity: coverIn, transform: `translateX(${(1 - coverIn) * CAROUSEL_TRAVEL}px)`}}>
            <Cover url={book.coverUrl} title={book.title} width={coverWidth} height={coverHeight} />
          </div>
        </div>
        <div style={{display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 32, marginTop: 44}}>
          <div style={badge}>
            <StatusBadge status={book.status} />
          </div>
          {showRatings && book.rating !== null ? (
            <div style={{display: 'flex', alignItems: 'center', gap: 16, ...rating}}>
              <StarRating score={book.rating.average} size={44} gap={6} reveal={stars} color={ratingColor(colors, book.rating.average)} />
              <span style={{fontFamily: fonts.display, fontWeight: 700, fontSize: 56, lineHeight: 1, color: colors.text}}>
                {formatRating(average)}
              </span>
            </div>
          ) : null}
        </div>
        <TitleAndAuthors book={book} centered titleMaxHeight={200} />
      </SceneBody>
    </SceneFrame>
  );
};

export const BookReveal: React.FC<{books: readonly Book[]; index: number}> = ({books, index}) => {
  const {template} = useTheme();
  return template.bookReveal.layout === 'carousel' ? (
    <CarouselBook books={books} index={index} />
  ) : (
    <SequentialBook book={books[index]} index={index} total={books.length} />
  );
};
