/**
 * Books still in progress, each with how far along it is. Sizes scale with the number of books so one book
 * looks deliberate rather than lost, and a long list is cut to what fits with an "and N more" line.
 *
 * Template (comingSoon): `list` (the default design) gives one book the whole stage and two or more a row each;
 * `single` always shows only the first book on the whole stage; `grid` puts two or more books in two columns of
 * covers (one book alone gets the whole stage there too).
 * `maxBooks` is how many rows (or cells) there are at most, the "and N more" line taking one when books are left
 * out (0: no "currently reading" scene at all); `showProgress` leaves the progress bars out.
 */
import React from 'react';
import type {CurrentlyReadingBook} from '../../types';
import {hanLang} from '../../fonts/writingSystems';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {clamp, formatAuthors} from './format';
import {BookmarkIcon} from './icons';
import {type Cue, shownReadingRows} from '../../timing/choreography';
import {easeOut, useCue, useEntrance} from './motion';
import {contentBottom, Eyebrow, SceneBody, SceneFrame} from './Scene';
import {useFrame} from './frame';
import {useTheme} from './theme';

interface RowLayout {
  coverWidth: number;
  titleSize: number;
  gap: number;
}

function rowLayout(rows: number): RowLayout {
  if (rows <= 2) {
    return {coverWidth: 220, titleSize: 56, gap: 64};
  }
  return rows <= 4 ? {coverWidth: 150, titleSize: 48, gap: 44} : {coverWidth: 110, titleSize: 40, gap: 28};
}

/** One Han convention for a book's title and authors (a Japanese title's kanji-only author is Japanese too). */
function bookLang(book: CurrentlyReadingBook) {
  return hanLang(`${book.title} ${book.authors.join(' ')}`);
}

const ProgressBar: React.FC<{progress: number; cue: Cue; width: number}> = ({progress, cue, width}) => {
  const {colors, fonts, template} = useTheme();
  const eased = easeOut(useCue(cue));
  const value = clamp(progress, 0, 100);
  if (!template.comingSoon.showProgress) {
    return null;
  }
  return (
    <div style={{display: 'flex', alignItems: 'center', gap: 24, width}}>
      <div style={{flex: 1, height: 18, borderRadius: 9, background: colors.track, overflow: 'hidden'}}>
        <div style={{width: `${value * eased}%`, height: '100%', borderRadius: 9, background: colors.accent}} />
      </div>
      <div
        style={{
          width: 110,
          textAlign: 'right',
          fontFamily: fonts.mono,
          fontWeight: 700,
          fontSize: 38,
          color: colors.accent,
          fontVariantNumeric: 'tabular-nums',
        }}
      >
        {`${Math.round(value * eased)}%`}
      </div>
    </div>
  );
};

const ReadingRow: React.FC<{book: CurrentlyReadingBook; layout: RowLayout; index: number}> = ({book, layout, index}) => {
  const {colors, cues} = useTheme();
  const entrance = useEntrance(cues.comingSoon.row(index), 40);
  const textWidth = useFrame().contentWidth - layout.coverWidth - 40;
  return (
    <div style={{display: 'flex', alignItems: 'center', gap: 40, ...entrance}}>
      <Cover url={book.coverUrl} title={book.title} width={layout.coverWidth} height={layout.coverWidth * 1.5} />
      <div style={{display: 'flex', flexDirection: 'column', gap: 14, width: textWidth}}>
        <FitText
          text={book.title}
          lang={bookLang(book)}
          font="display"
          width={textWidth}
          maxFontSize={layout.titleSize}
          minFontSize={32}
          maxLines={3}
          maxHeight={layout.titleSize * 1.1 * 3}
          lineHeight={1.1}
          style={{color: colors.text}}
        />
        <FitText
          text={formatAuthors(book.authors)}
          lang={bookLang(book)}
          font="body"
          width={textWidth}
          maxFontSize={34}
          minFontSize={30}
          maxLines={2}
          lineHeight={1.25}
          style={{color: colors.muted}}
        />
        <div style={{marginTop: 10}}>
          <ProgressBar progress={book.progress} cue={cues.comingSoon.rowBar(index)} width={textWidth} />
        </div>
      </div>
    </div>
  );
};

/**
 * A single book in progress gets the whole stage: a big cover with its progress underneath (in the landscape cut,
 * beside it).
 */
const HeroBook: React.FC<{book: CurrentlyReadingBook}> = ({book}) => {
  const {colors, cues} = useTheme();
  const frame = useFrame();
  const coverIn = useEntrance(cues.comingSoon.heroCover, 40);
  const text = useEntrance(cues.comingSoon.heroText, 40);
  const progress = useEntrance(cues.comingSoon.heroProgress, 30);
  const beside = frame.format === 'landscape';
  const width = beside ? frame.contentWidth - 480 - 80 : frame.contentWidth;
  const align = beside ? ('left' as const) : ('center' as const);
  return (
    <div style={{display: 'flex', flexDirection: beside ? 'row' : 'column', alignItems: 'center', gap: beside ? 80 : 0}}>
      <div style={coverIn}>
        <Cover url={book.coverUrl} title={book.title} width={480} height={720} />
      </div>
      <div style={{display: 'flex', flexDirection: 'column', alignItems: beside ? 'flex-start' : 'center'}}>
        <div style={{display: 'flex', flexDirection: 'column', alignItems: beside ? 'flex-start' : 'center', gap: 14, marginTop: beside ? 0 : 56, ...text}}>
          <FitText
            text={book.title}
            lang={bookLang(book)}
            font="display"
            width={width}
            maxFontSize={84}
            minFontSize={40}
            maxLines={3}
            maxHeight={84 * 1.1 * 2}
            lineHeight={1.1}
            style={{color: colors.text, textAlign: align}}
          />
          <FitText
            text={formatAuthors(book.authors)}
            lang={bookLang(book)}
            font="body"
            width={width}
            maxFontSize={38}
            minFontSize={28}
            maxLines={1}
            lineHeight={1.25}
            style={{color: colors.muted, textAlign: align}}
          />
        </div>
        <div style={{marginTop: 44, ...progress}}>
          <ProgressBar progress={book.progress} cue={cues.comingSoon.heroBar} width={width} />
        </div>
      </div>
    </div>
  );
};

/** The `grid` layout's cell: a cover with the title and the progress bar under it. */
const GridCell: React.FC<{book: CurrentlyReadingBook; index: number; width: number; coverHeight: number}> = ({book, index, width, coverHeight}) => {
  const {colors, cues} = useTheme();
  const entrance = useEntrance(cues.comingSoon.row(index), 40);
  return (
    <div style={{width, display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 18, ...entrance}}>
      <Cover url={book.coverUrl} title={book.title} width={coverHeight / 1.5} height={coverHeight} />
      <FitText
        text={book.title}
        lang={bookLang(book)}
        font="display"
        width={width}
        maxFontSize={44}
        minFontSize={28}
        maxLines={2}
        lineHeight={1.1}
        style={{color: colors.text, textAlign: 'center'}}
      />
      <ProgressBar progress={book.progress} cue={cues.comingSoon.rowBar(index)} width={width} />
    </div>
  );
};

const GRID_GAP = 40;

export const CurrentlyReading: React.FC<{books: readonly CurrentlyReadingBook[]}> = ({books}) => {
  const {colors, fonts, cues, template} = useTheme();
  const {layout, maxBooks} = template.comingSoon;
  const heading = useEntrance(cues.comingSoon.heading, 40);
  const shown = books.slice(0, layout === 'single' ? 1 : shownReadingRows(books.length, maxBooks));
  const overflow = shown.length < books.length;
  const rows = rowLayout(shown.length + (overflow ? 1 : 0));
  const more = useEntrance(cues.comingSoon.more(shown.length), 30);
  const frame = useFrame();
  // Two columns of cells, more across a landscape frame.
  const gridColumns = frame.format === 'landscape' ? Math.min(4, Math.max(2, shown.length)) : 2;
  const gridRows = Math.ceil(shown.length / gridColumns);
  const cellWidth = (frame.contentWidth - (gridColumns - 1) * GRID_GAP) / gridColumns;
  const gridHeight = contentBottom(frame) - frame.safe.top - 390;
  const gridCoverHeight = Math.min(cellWidth * 1.2, (gridHeight - (gridRows - 1) * GRID_GAP) / gridRows - 150);
  let body: React.ReactNode;
  if (layout === 'grid' && shown.length > 1) {
    body = (
      <div style={{display: 'flex', flexWrap: 'wrap', gap: GRID_GAP}}>
        {shown.map((book, index) => (
          <GridCell key={`${book.id}-${index}`} book={book} index={index} width={cellWidth} coverHeight={gridCoverHeight} />
        ))}
      </div>
    );
  } else if (shown.length === 1) {
    body = <HeroBook book={shown[0]} />;
  } else {
    body = shown.map((book, index) => <ReadingRow key={`${book.id}-${index}`} book={book} layout={rows} index={index} />);
  }
  return (
    <SceneFrame justify="flex-start">
      <Eyebrow cue={cues.comingSoon.eyebrow} icon={<BookmarkIcon size={36} />}>
        Still reading
      </Eyebrow>
      <div style={{marginTop: 20, ...heading}}>
        <FitText text="Currently reading" font="display" width={frame.contentWidth} maxFontSize={92} minFontSize={60} maxLines={1} style={{color: colors.text}} />
      </div>
      <SceneBody gap={rows.gap} justify={shown.length === 1 ? 'space-evenly' : 'center'}>
        {body}
        {overflow ? (
          <div style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 40, color: colors.faint, ...more}}>
            {`and ${books.length - shown.length} more`}
          </div>
        ) : null}
      </SceneBody>
    </SceneFrame>
  );
};
