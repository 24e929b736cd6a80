/**
 * Template book.layout `grid`: every book of the month in one scene, a cell each (cover, title, and the
 * stars and author when the template shows them), entering one after another. Columns follow the number of books,
 * and cells shrink so the grid always fits; past MAX_GRID_CELLS the last cell says how many more there were.
 *
 * coverSize: a `medium` (default) or `large` cover fills its cell, which is as large as the grid allows; `small`
 * draws it smaller in its cell, by the ratio of the sequential layout's small and medium covers.
 */
import React from 'react';
import type {Book} from '../../types';
import {hanLang} from '../../fonts/writingSystems';
import {COVER_WIDTHS} from './BookReveal';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {formatAuthors} from './format';
import {BookIcon, StarRating} from './icons';
import {entranceStyle, useCue} from './motion';
import {contentBottom, Eyebrow, SceneFrame} from './Scene';
import {type Frame, useFrame} from './frame';
import {RADIUS, ratingColor, useTheme} from './theme';

export const MAX_GRID_CELLS = 16;
const GAP = 24;
/** Height of the eyebrow and heading above the grid. */
const HEADER = 190;

/** How much of the cell's cover size each coverSize draws (medium and large fill the cell). */
const GRID_COVER_SCALE = {small: COVER_WIDTHS.small / COVER_WIDTHS.medium, medium: 1, large: 1} as const;

/** Columns for this many cells in the story: 2 up to 4 books, 3 up to 9, 4 beyond. */
export function gridColumns(cells: number): number {
  return cells <= 4 ? 2 : cells <= 9 ? 3 : 4;
}

/** The height the grid has: from under the heading to the end of the content (above the footer). */
function bodyHeight(frame: Frame): number {
  return contentBottom(frame) - frame.safe.top - HEADER;
}

/**
 * Columns for this many cells in a frame: the story's rule; in the square and landscape cuts, the count that gives
 * the biggest covers in the frame's width and height.
 */
function columnsFor(cells: number, frame: Frame, textHeight: (width: number) => number): number {
  if (frame.format === 'story') {
    return gridColumns(cells);
  }
  const coverHeight = (columns: number) => {
    const rows = Math.ceil(cells / columns);
    const width = (frame.contentWidth - (columns - 1) * GAP) / columns;
    return Math.min(width * 1.5, (bodyHeight(frame) - (rows - 1) * GAP) / rows - 10 - textHeight(width));
  };
  return Array.from({length: Math.max(1, cells)}, (_, index) => index + 1).reduce((best, columns) =>
    coverHeight(columns) > coverHeight(best) ? columns : best,
  );
}

const Cell: React.FC<{book: Book; index: number; width: number; coverHeight: number; textHeight: number}> = ({
  book,
  index,
  width,
  coverHeight,
  textHeight,
}) => {
  const {colors, cues, template} = useTheme();
  const {showRatings, showAuthors, animationStyle} = template.book;
  const entrance = entranceStyle(useCue(cues.bookGrid.cell(index)), 40, animationStyle);
  const lang = hanLang(`${book.title} ${book.authors.join(' ')}`);
  const titleSize = Math.max(22, Math.min(40, Math.round(width * 0.13)));
  return (
    <div style={{width, display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 10, ...entrance}}>
      <Cover url={book.coverUrl} title={book.title} width={coverHeight / 1.5} height={coverHeight} />
      <div style={{height: textHeight, width, display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 6}}>
        <FitText
          text={book.title}
          lang={lang}
          font="display"
          width={width}
          maxFontSize={titleSize}
          minFontSize={Math.min(20, titleSize)}
          maxLines={2}
          lineHeight={1.1}
          style={{color: colors.text, textAlign: 'center'}}
        />
        {showAuthors ? (
          <FitText
            text={formatAuthors(book.authors)}
            lang={lang}
            font="body"
            width={width}
            maxFontSize={Math.round(titleSize * 0.7)}
            minFontSize={Math.min(16, Math.round(titleSize * 0.7))}
            maxLines={1}
            style={{color: colors.muted, textAlign: 'center'}}
          />
        ) : null}
        {showRatings && book.rating !== null ? (
          <StarRating score={book.rating.average} size={Math.round(titleSize * 0.8)} color={ratingColor(colors, book.rating.average)} />
        ) : null}
      </div>
    </div>
  );
};

const More: React.FC<{count: number; index: number; width: number; height: number}> = ({count, index, width, height}) => {
  const {colors, fonts, cues, template} = useTheme();
  const entrance = entranceStyle(useCue(cues.bookGrid.cell(index)), 40, template.book.animationStyle);
  return (
    <div
      style={{
        width,
        height,
        borderRadius: RADIUS.card,
        border: `2px dashed ${colors.border}`,
        boxSizing: 'border-box',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        fontFamily: fonts.display,
        fontWeight: 700,
        fontSize: Math.round(width * 0.22),
        color: colors.faint,
        ...entrance,
      }}
    >
      {`+${count}`}
    </div>
  );
};

export const BookGrid: React.FC<{books: readonly Book[]}> = ({books}) => {
  const {colors, cues, template} = useTheme();
  const heading = entranceStyle(useCue(cues.bookGrid.heading), 40, template.book.animationStyle);
  const overflow = books.length > MAX_GRID_CELLS;
  const shown = overflow ? books.slice(0, MAX_GRID_CELLS - 1) : books;
  const cells = shown.length + (overflow ? 1 : 0);
  const frame = useFrame();
  const textHeightFor = (cellWidth: number) =>
    Math.round(Math.max(22, Math.min(40, cellWidth * 0.13)) * (template.book.showRatings ? 4.2 : 3.2));
  const columns = columnsFor(cells, frame, textHeightFor);
  const rows = Math.ceil(cells / columns);
  const width = (frame.contentWidth - (columns - 1) * GAP) / columns;
  const textHeight = textHeightFor(width);
  const rowHeight = Math.min(width * 1.5 + 10 + textHeight, (bodyHeight(frame) - (rows - 1) * GAP) / rows);
  const coverHeight = Math.max(60, rowHeight - 10 - textHeight) * GRID_COVER_SCALE[template.book.coverSize];
  return (
    <SceneFrame justify="flex-start">
      <Eyebrow cue={cues.bookGrid.eyebrow} icon={<BookIcon size={38} />}>
        {books.length === 1 ? 'The book of the month' : `${books.length} books this month`}
      </Eyebrow>
      <div style={{marginTop: 20, ...heading}}>
        <FitText text="On the shelf" font="display" width={frame.contentWidth} maxFontSize={92} minFontSize={60} maxLines={1} style={{color: colors.text}} />
      </div>
      <div style={{flex: 1, display: 'flex', alignItems: 'center'}}>
        <div style={{display: 'flex', flexWrap: 'wrap', gap: GAP, width: frame.contentWidth}}>
          {shown.map((book, index) => (
            <Cell key={`${book.id}-${index}`} book={book} index={index} width={width} coverHeight={coverHeight} textHeight={textHeight} />
          ))}
          {overflow ? <More count={books.length - shown.length} index={shown.length} width={width} height={coverHeight} /> : null}
        </div>
      </div>
    </SceneFrame>
  );
};
