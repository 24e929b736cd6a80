/**
 * One book, one screen: the eye goes cover -> verdict -> title -> the CAWPILE breakdown, on a background tinted
 * from the book's own cover. The card is laid out on fixed lines (the cover's top edge is the same in every book
 * scene, whatever the title's length or the rating), the title takes the room left between the cover and the
 * bars, and the bars sit on the bottom of the frame, so every book fills the frame the same way. Every optional
 * field (cover, rating, sub-scores, page count, finish date) has a layout without it.
 *
 * Shapes (frame.ts): the story stacks cover and verdict, title, bars; the square sets the title beside the cover and
 * the bars in two columns across the foot; the landscape sets cover, verdict and title, and bars side by side.
 *
 * Template (book): `sequential` (the default design) puts the cover beside its verdict; `carousel` centres
 * the cover between the neighbouring books' covers, its verdict in one line below (in the story; the square and
 * landscape cuts lay a carousel's books out as sequential cards, the neighbours need a story's height); `grid` (see
 * BookGrid) shows every book in one scene. `showRatings` and `showAuthors` leave the rating (stars, average, bars)
 * and the author line out, `coverSize` sizes the cover, `animationStyle` is how the text enters (slide, fade, pop).
 *
 * Direction: the title sets the card's side. A right-to-left title (Hebrew, Arabic, ...) starts at the right and
 * its author line is aligned with it; the English "by" and the names are bidi-isolated from each other, so the
 * line reads "by" + the names in their own order whatever their script.
 */
import React from 'react';
import type {Book} from '../../types';
import {hanLang, textDirection} from '../../fonts/writingSystems';
import {subScores} from '../../cawpile';
import {barsHeight, CawpileBars} from './CawpileBars';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {formatAuthors, formatFinishDate, formatRating, pluralize} from './format';
import {type Frame, useFrame} from './frame';
import {BookIcon, CalendarIcon, PagesIcon, StarRating} from './icons';
import {backOut, entranceStyle, useCountUp, useCue} from './motion';
import {contentBottom, Eyebrow, SceneFrame} from './Scene';
import {StatusBadge} from './StatusBadge';
import {RADIUS, ratingColor, useTheme} from './theme';

/** Cover width by template coverSize in the story (height is 1.5 times it). `medium` is the default design's. */
export const COVER_WIDTHS = {small: 360, medium: 440, large: 520} as const;
/** Cover heights by coverSize in the square and landscape cuts (their rows are shorter than a story's column). */
const WIDE_COVER_HEIGHTS = {square: {small: 660, medium: 760, large: 840}, landscape: {small: 780, medium: 880, large: 960}};
const SIDE_GAP = 48;
/** The eyebrow's row (with the badge at its end), and the gap under it to the cover's top edge, in the story. */
const EYEBROW_ROW = 64;
const EYEBROW_GAP = 36;
const TITLE_GAP = 40;
const BARS_GAP = 36;
/** Room the author line takes under the title (two lines at most), in the story. */
const AUTHORS_HEIGHT = 110;

/** The cover's top edge (frame y): the same line in every book scene of a video. */
export function coverTop(frame: Frame): number {
  return frame.safe.top + (EYEBROW_ROW + EYEBROW_GAP);
}

/** A cover's size in this frame for the template's coverSize. */
function coverSize(frame: Frame, size: keyof typeof COVER_WIDTHS): {width: number; height: number} {
  if (frame.format === 'story') {
    return {width: COVER_WIDTHS[size], height: COVER_WIDTHS[size] * 1.5};
  }
  const height = WIDE_COVER_HEIGHTS[frame.format][size];
  return {width: Math.round(height / 1.5), height};
}

/**
 * "by" + the names, isolated from each other (the names in a first-strong isolate), so neither's direction reorders
 * the other: in a left-to-right line "by" comes first whatever the names' script. `label` is the colour of "by".
 */
const ByLine: React.FC<{authors: readonly string[]; label: string}> = ({authors, label}) => (
  <>
    <span style={{color: label}}>by</span> <bdi>{formatAuthors(authors)}</bdi>
  </>
);

function byLineText(authors: readonly string[]): string {
  return `by \u2068${formatAuthors(authors)}\u2069`;
}

const Label: React.FC<{children: React.ReactNode}> = ({children}) => {
  const {colors, fonts} = useTheme();
  return (
    <div style={{fontFamily: fonts.body, fontWeight: 700, fontSize: 26, letterSpacing: '0.16em', color: colors.faint}}>
      {children}
    </div>
  );
};

/** The average's size: as large as the column lets "10.0" and "/10" be. */
function averageSize(average: number, columnWidth: number): number {
  return Math.min(168, Math.floor((columnWidth - 90) / (0.62 * formatRating(average).length)));
}

const RatingBlock: React.FC<{average: number; columnWidth: number}> = ({average, columnWidth}) => {
  const {colors, fonts, cues} = useTheme();
  const size = averageSize(average, columnWidth);
  const shown = useCountUp(average, cues.bookRating.average);
  const stars = useCue(cues.bookRating.stars);
  return (
    <div style={{display: 'flex', flexDirection: 'column', gap: 14}}>
      <Label>CAWPILE</Label>
      <div style={{display: 'flex', alignItems: 'baseline', gap: 12}}>
        <span style={{fontFamily: fonts.display, fontWeight: 700, fontSize: size, lineHeight: 0.9, color: colors.text, fontVariantNumeric: 'tabular-nums'}}>
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
      <Label>CAWPILE</Label>
      <div style={{fontFamily: fonts.display, fontStyle: 'italic', fontWeight: 400, fontSize: 84, lineHeight: 1, color: colors.faint}}>
        not rated
      </div>
      <StarRating score={0} size={62} gap={8} />
    </div>
  );
};

/** The verdict beside a cover: the rating (or "not rated"), unless the template leaves ratings out. */
const Verdict: React.FC<{book: Book; columnWidth: number}> = ({book, columnWidth}) => {
  const {cues, template} = useTheme();
  const rating = entranceStyle(useCue(cues.book.rating), 30, template.book.animationStyle);
  if (!template.book.showRatings) {
    return null;
  }
  return <div style={rating}>{book.rating === null ? <NotRated /> : <RatingBlock average={book.rating.average} columnWidth={columnWidth} />}</div>;
};

/** The cover's own entrance: the default design's springs up from 92 % with a little overshoot; fade and pop as their names say. */
function coverEntrance(progress: number, style: 'slide' | 'fade' | 'pop'): React.CSSProperties {
  if (style === 'fade') {
    return {opacity: Math.min(1, progress)};
  }
  if (style === 'pop') {
    return {opacity: Math.min(1, progress), transform: `scale(${0.6 + 0.4 * backOut(Math.min(1, progress))})`, transformOrigin: 'center'};
  }
  return {opacity: Math.min(1, progress), transform: `translateY(${(1 - progress) * 80}px) scale(${0.92 + 0.08 * progress})`, transformOrigin: 'center bottom'};
}

const EnteringCover: React.FC<{book: Book; width: number; height: number}> = ({book, width, height}) => {
  const {cues, template} = useTheme();
  const coverIn = useCue(cues.book.cover);
  return (
    <div style={coverEntrance(coverIn, template.book.animationStyle)}>
      <Cover url={book.coverUrl} title={book.title} width={width} height={height} />
    </div>
  );
};

/** Page count and finish date, as short lines with icons. */
const Facts: React.FC<{book: Book; row?: boolean}> = ({book, row = false}) => {
  const {colors, fonts} = useTheme();
  const finished = formatFinishDate(book.finishDate);
  const line = (icon: React.ReactNode, text: string) => (
    <div style={{display: 'flex', alignItems: 'center', gap: 14}}>
      {icon}
      <span style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 34, color: colors.muted, whiteSpace: 'nowrap'}}>{text}</span>
    </div>
  );
  return (
    <div style={{display: 'flex', flexDirection: row ? 'row' : 'column', gap: (row ? 40 : 14)}}>
      {book.pageCount === null ? null : line(<PagesIcon size={38} color={colors.accent} />, pluralize(book.pageCount, 'page'))}
      {finished === null
        ? null
        : line(<CalendarIcon size={38} color={colors.accent} />, `${book.status === 'DNF' ? 'Set aside' : 'Finished'} ${finished}`)}
    </div>
  );
};

function hasFacts(book: Book): boolean {
  return book.pageCount !== null || formatFinishDate(book.finishDate) !== null;
}

/** The facts entering on their cue. */
const EnteringFacts: React.FC<{book: Book; row?: boolean}> = ({book, row}) => {
  const {cues, template} = useTheme();
  const pages = entranceStyle(useCue(cues.book.pages), 30, template.book.animationStyle);
  return (
    <div style={pages}>
      <Facts book={book} row={row} />
    </div>
  );
};

/**
 * The title and, unless the template leaves it out, the author line, in `width` x `height` px at most, on the
 * title's side.
 */
const TitleAndAuthors: React.FC<{book: Book; width: number; height: number; centered?: boolean}> = ({book, width, height, centered = false}) => {
  const {colors, cues, template} = useTheme();
  const style = template.book.animationStyle;
  const title = entranceStyle(useCue(cues.book.title), 50, style);
  const authors = entranceStyle(useCue(cues.book.authors), 50, style);
  // One convention for the whole book: a Japanese title with kana makes its kanji-only author Japanese too.
  const lang = hanLang(`${book.title} ${book.authors.join(' ')}`);
  const rtl = textDirection(book.title) === 'rtl';
  const align = centered ? 'center' : rtl ? 'right' : 'left';
  const showAuthors = template.book.showAuthors;
  return (
    <div style={{height, width, display: 'flex', flexDirection: 'column', gap: 18, overflow: 'hidden'}}>
      <div style={title}>
        <FitText
          text={book.title}
          lang={lang}
          font="display"
          width={width}
          maxFontSize={120}
          minFontSize={44}
          maxLines={6}
          maxHeight={height - (showAuthors ? AUTHORS_HEIGHT : 0)}
          lineHeight={1.06}
          letterSpacingEm={-0.01}
          style={{color: colors.text, textAlign: align}}
        />
      </div>
      {showAuthors ? (
        <div style={authors}>
          <FitText
            text={byLineText(book.authors)}
            lang={lang}
            dir="ltr"
            font="body"
            width={width}
            maxFontSize={42}
            minFontSize={30}
            maxLines={2}
            lineHeight={1.25}
            style={{color: colors.muted, textAlign: align}}
          >
            <ByLine authors={book.authors} label={colors.faint} />
          </FitText>
        </div>
      ) : null}
    </div>
  );
};

/** What the bottom of a book's card holds: its CAWPILE bars, or (no bars) its facts on a quiet card, or nothing. */
type Bottom = {kind: 'bars'; height: number} | {kind: 'facts'; height: number} | {kind: 'none'; height: 0};

const FACT_LINE = 48;

function bottomOf(book: Book, showRatings: boolean, columns = 1): Bottom {
  const scores = book.rating === null || !showRatings ? 0 : subScores(book.rating).length;
  if (scores > 0) {
    return {kind: 'bars', height: barsHeight(scores, columns)};
  }
  const facts = (book.pageCount === null ? 0 : 1) + (formatFinishDate(book.finishDate) === null ? 0 : 1);
  return facts === 0 ? {kind: 'none', height: 0} : {kind: 'facts', height: (72 + facts * FACT_LINE + (facts - 1) * 14)};
}

/** The bottom block (bars or the facts' card), `width` wide at (left, top) of the frame. */
const CardBottom: React.FC<{book: Book; bottom: Bottom; left: number; top: number; width: number; columns?: number}> = ({
  book,
  bottom,
  left,
  top,
  width,
  columns = 1,
}) => {
  const {colors, cues, template} = useTheme();
  const facts = entranceStyle(useCue(cues.book.pages), 30, template.book.animationStyle);
  if (bottom.kind === 'none') {
    return null;
  }
  return (
    <div style={{position: 'absolute', left, top, width, height: bottom.height}}>
      {bottom.kind === 'bars' && book.rating !== null ? (
        <CawpileBars scores={subScores(book.rating)} width={width} columns={columns} />
      ) : (
        <div
          style={{
            height: bottom.height,
            boxSizing: 'border-box',
            padding: `36px 40px`,
            borderRadius: RADIUS.card,
            background: colors.surface,
            border: `2px solid ${colors.border}`,
            ...facts,
          }}
        >
          <Facts book={book} />
        </div>
      )}
    </div>
  );
};

const BookEyebrow: React.FC<{book: Book; index: number; total: number}> = ({book, index, total}) => {
  const {cues, template} = useTheme();
  const badge = entranceStyle(useCue(cues.book.badge), 30, template.book.animationStyle);
  return (
    <div style={{height: EYEBROW_ROW, flexShrink: 0, display: 'flex', alignItems: 'center', justifyContent: 'space-between'}}>
      <Eyebrow cue={cues.book.eyebrow} icon={<BookIcon size={38} />}>{`Book ${index + 1} of ${total}`}</Eyebrow>
      <div style={badge}>
        <StatusBadge status={book.status} />
      </div>
    </div>
  );
};

/** The story: the cover on the left, the verdict and facts beside it, then title, then bars on the bottom line. */
const StoryBook: React.FC<{book: Book; index: number; total: number}> = ({book, index, total}) => {
  const {template} = useTheme();
  const frame = useFrame();
  const {showRatings, coverSize: size} = template.book;
  const cover = coverSize(frame, size);
  const top = coverTop(frame);
  const titleTop = top + cover.height + TITLE_GAP;
  const bottom = bottomOf(book, showRatings);
  const end = contentBottom(frame);
  const columnWidth = frame.contentWidth - cover.width - SIDE_GAP;
  return (
    <SceneFrame justify="flex-start">
      <BookEyebrow book={book} index={index} total={total} />
      <div style={{display: 'flex', gap: SIDE_GAP, marginTop: EYEBROW_GAP}}>
        <EnteringCover book={book} width={cover.width} height={cover.height} />
        <div style={{width: columnWidth, height: cover.height, display: 'flex', flexDirection: 'column', justifyContent: 'space-between', paddingTop: 6}}>
          {showRatings ? <Verdict book={book} columnWidth={columnWidth} /> : <div />}
          {bottom.kind === 'facts' ? null : <EnteringFacts book={book} />}
        </div>
      </div>
      <div style={{marginTop: TITLE_GAP}}>
        <TitleAndAuthors book={book} width={frame.contentWidth} height={end - bottom.height - BARS_GAP - titleTop} />
      </div>
      <CardBottom book={book} bottom={bottom} left={frame.safe.x} top={end - bottom.height} width={frame.contentWidth} />
    </SceneFrame>
  );
};

/**
 * The square and landscape cuts: the cover on the left, beside it the verdict, the title and the facts; the bars
 * across the foot in two columns (square) or in a column of their own on the right (landscape).
 */
const WideBook: React.FC<{book: Book; index: number; total: number}> = ({book, index, total}) => {
  const {template} = useTheme();
  const frame = useFrame();
  const {showRatings, coverSize: size} = template.book;
  const cover = coverSize(frame, size);
  const top = coverTop(frame);
  const end = contentBottom(frame);
  const gap = SIDE_GAP;
  const landscape = frame.format === 'landscape';
  const barsWidth = landscape ? Math.round((frame.contentWidth - cover.width - 2 * gap) / 2) : frame.contentWidth;
  const bottom = bottomOf(book, showRatings, landscape ? 1 : 2);
  const columnWidth = frame.contentWidth - cover.width - gap - (landscape ? barsWidth + gap : 0);
  // The column beside the cover: the verdict at the top, the facts at the foot (unless they have the bottom card),
  // the title between them.
  const verdictHeight = showRatings ? 250 : 0;
  const factsHeight = bottom.kind === 'facts' || !hasFacts(book) ? 0 : 100;
  const columnHeight = landscape ? end - top : cover.height;
  const titleHeight = columnHeight - verdictHeight - factsHeight - 2 * 24;
  return (
    <SceneFrame justify="flex-start">
      <BookEyebrow book={book} index={index} total={total} />
      <div style={{display: 'flex', gap, marginTop: EYEBROW_GAP}}>
        <EnteringCover book={book} width={cover.width} height={cover.height} />
        <div style={{width: columnWidth, height: columnHeight, display: 'flex', flexDirection: 'column', gap: 24}}>
          {showRatings ? (
            <div style={{height: verdictHeight}}>
              <Verdict book={book} columnWidth={columnWidth} />
            </div>
          ) : null}
          <TitleAndAuthors book={book} width={columnWidth} height={titleHeight} />
          {factsHeight > 0 ? <EnteringFacts book={book} /> : null}
        </div>
      </div>
      {landscape ? (
        <CardBottom
          book={book}
          bottom={bottom}
          left={frame.width - frame.safe.x - barsWidth}
          top={top + Math.max(0, (end - top - bottom.height) / 2)}
          width={barsWidth}
        />
      ) : (
        <CardBottom book={book} bottom={bottom} left={frame.safe.x} top={end - bottom.height} width={frame.contentWidth} columns={2} />
      )}
    </SceneFrame>
  );
};

/** The carousel's cover widths: its cover stands above the verdict line, so it is a little smaller. */
export const CAROUSEL_COVER_WIDTHS = {small: 320, medium: 400, large: 460} as const;
/** How far the carousel's cover travels in, and how much of a neighbouring cover shows at the frame's edge. */
const CAROUSEL_TRAVEL = 420;
const NEIGHBOUR_SHOWN = 150;

/**
 * One book per scene, its cover sliding in from the right between the covers of the books before and after it,
 * which show at the frame's edges. The verdict is one line (stars and the average) under the cover.
 */
const CarouselBook: React.FC<{books: readonly Book[]; index: number}> = ({books, index}) => {
  const {colors, fonts, cues, template} = useTheme();
  const frame = useFrame();
  const {showRatings, coverSize: size, animationStyle: style} = template.book;
  const book = books[index];
  const coverWidth = CAROUSEL_COVER_WIDTHS[size];
  const coverHeight = coverWidth * 1.5;
  const coverIn = useCue(cues.book.cover);
  const neighbours = Math.min(1, useCue(cues.book.badge));
  const rating = entranceStyle(useCue(cues.book.rating), 30, style);
  const stars = useCue(cues.bookRating.stars);
  const average = useCountUp(book.rating?.average ?? 0, cues.bookRating.average);
  const top = coverTop(frame);
  const verdictTop = top + coverHeight + 40;
  const titleTop = verdictTop + 76 + TITLE_GAP;
  const rated = showRatings && book.rating !== null;
  const bottom = bottomOf(book, showRatings);
  const end = contentBottom(frame);
  const neighbour = (other: Book, side: 'left' | 'right') => (
    <div
      key={side}
      style={{position: 'absolute', top: coverHeight * 0.1, [side]: -frame.safe.x - coverWidth * 0.8 + NEIGHBOUR_SHOWN, opacity: 0.45 * neighbours}}
    >
      <Cover url={other.coverUrl} title={other.title} width={coverWidth * 0.8} height={coverHeight * 0.8} />
    </div>
  );
  return (
    <SceneFrame justify="flex-start">
      <BookEyebrow book={book} index={index} total={books.length} />
      <div style={{position: 'relative', height: coverHeight, display: 'flex', justifyContent: 'center', marginTop: EYEBROW_GAP}}>
        {index > 0 ? neighbour(books[index - 1], 'left') : null}
        {index < books.length - 1 ? neighbour(books[index + 1], 'right') : null}
        <div style={{opacity: Math.min(1, coverIn), transform: `translateX(${(1 - coverIn) * CAROUSEL_TRAVEL}px)`}}>
          <Cover url={book.coverUrl} title={book.title} width={coverWidth} height={coverHeight} />
        </div>
      </div>
      <div style={{height: 76, marginTop: 40, display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 24, ...rating}}>
        {rated && book.rating !== null ? (
          <>
            <StarRating score={book.rating.average} size={52} gap={6} reveal={stars} color={ratingColor(colors, book.rating.average)} />
            <span style={{fontFamily: fonts.display, fontWeight: 700, fontSize: 72, lineHeight: 1, color: colors.text}}>{formatRating(average)}</span>
          </>
        ) : showRatings ? (
          <>
            <StarRating score={0} size={52} gap={6} />
            <span style={{fontFamily: fonts.display, fontStyle: 'italic', fontWeight: 400, fontSize: 60, lineHeight: 1, color: colors.faint}}>not rated</span>
          </>
        ) : bottom.kind === 'facts' ? null : (
          <Facts book={book} row />
        )}
      </div>
      <div style={{marginTop: TITLE_GAP}}>
        <TitleAndAuthors book={book} centered width={frame.contentWidth} height={end - bottom.height - BARS_GAP - titleTop} />
      </div>
      <CardBottom book={book} bottom={bottom} left={frame.safe.x} top={end - bottom.height} width={frame.contentWidth} />
    </SceneFrame>
  );
};

export const BookReveal: React.FC<{books: readonly Book[]; index: number}> = ({books, index}) => {
  const {template} = useTheme();
  const frame = useFrame();
  if (frame.format !== 'story') {
    return <WideBook book={books[index]} index={index} total={books.length} />;
  }
  return template.book.layout === 'carousel' ? (
    <CarouselBook books={books} index={index} />
  ) : (
    <StoryBook book={books[index]} index={index} total={books.length} />
  );
};
