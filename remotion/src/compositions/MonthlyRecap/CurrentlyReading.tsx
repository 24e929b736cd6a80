/**
 * Books still in progress, each with how far along it is. Sizes scale with the number of books so one book
 * looks deliberate rather than lost, and a long list is cut to what fits with an "and N more" line.
 */
import React from 'react';
import {BODY_FONT} from '../../fonts';
import type {CurrentlyReadingBook} from '../../types';
import {hanLang} from '../../writingSystems';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {clamp, formatAuthors} from './format';
import {BookmarkIcon} from './icons';
import {type Cue, CURRENTLY_READING, shownReadingRows} from './choreography';
import {easeOut, useCue, useEntrance} from './motion';
import {Eyebrow, SceneBody, SceneFrame} from './Scene';
import {COLORS, CONTENT_WIDTH} from './theme';

interface RowLayout {
  coverWidth: number;
  titleSize: number;
  gap: number;
}

function rowLayout(rows: number): RowLayout {
  return rows <= 2 ? {coverWidth: 220, titleSize: 56, gap: 64} : {coverWidth: 150, titleSize: 48, gap: 44};
}

/** One Han convention for a book's title and authors (a Japanese title's kanji-only author is Japanese too). */
function bookLang(book: CurrentlyReadingBook) {
  return hanLang(`${book.title} ${book.authors.join(' ')}`);
}

const ProgressBar: React.FC<{progress: number; cue: Cue; width: number}> = ({progress, cue, width}) => {
  const eased = easeOut(useCue(cue));
  const value = clamp(progress, 0, 100);
  return (
    <div style={{display: 'flex', alignItems: 'center', gap: 24, width}}>
      <div style={{flex: 1, height: 18, borderRadius: 9, background: COLORS.track, overflow: 'hidden'}}>
        <div style={{width: `${value * eased}%`, height: '100%', borderRadius: 9, background: COLORS.accent}} />
      </div>
      <div
        style={{
          width: 110,
          textAlign: 'right',
          fontFamily: BODY_FONT,
          fontWeight: 700,
          fontSize: 38,
          color: COLORS.accent,
          fontVariantNumeric: 'tabular-nums',
        }}
      >
        {`${Math.round(value * eased)}%`}
      </div>
    </div>
  );
};

const ReadingRow: React.FC<{book: CurrentlyReadingBook; layout: RowLayout; index: number}> = ({book, layout, index}) => {
  const entrance = useEntrance(CURRENTLY_READING.row(index), 40);
  const textWidth = CONTENT_WIDTH - layout.coverWidth - 40;
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
          style={{color: COLORS.text}}
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
          style={{color: COLORS.muted}}
        />
        <div style={{marginTop: 10}}>
          <ProgressBar progress={book.progress} cue={CURRENTLY_READING.rowBar(index)} width={textWidth} />
        </div>
      </div>
    </div>
  );
};

/** A single book in progress gets the whole stage: a big cover with its progress underneath. */
const HeroBook: React.FC<{book: CurrentlyReadingBook}> = ({book}) => {
  const coverIn = useEntrance(CURRENTLY_READING.heroCover, 40);
  const text = useEntrance(CURRENTLY_READING.heroText, 40);
  const progress = useEntrance(CURRENTLY_READING.heroProgress, 30);
  return (
    <div style={{display: 'flex', flexDirection: 'column', alignItems: 'center'}}>
      <div style={coverIn}>
        <Cover url={book.coverUrl} title={book.title} width={400} height={600} />
      </div>
      <div style={{display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 14, marginTop: 56, ...text}}>
        <FitText
          text={book.title}
          lang={bookLang(book)}
          font="display"
          width={CONTENT_WIDTH}
          maxFontSize={76}
          minFontSize={40}
          maxLines={3}
          maxHeight={76 * 1.1 * 2}
          lineHeight={1.1}
          style={{color: COLORS.text, textAlign: 'center'}}
        />
        <FitText
          text={formatAuthors(book.authors)}
          lang={bookLang(book)}
          font="body"
          width={CONTENT_WIDTH}
          maxFontSize={38}
          minFontSize={28}
          maxLines={1}
          lineHeight={1.25}
          style={{color: COLORS.muted, textAlign: 'center'}}
        />
      </div>
      <div style={{marginTop: 44, ...progress}}>
        <ProgressBar progress={book.progress} cue={CURRENTLY_READING.heroBar} width={CONTENT_WIDTH} />
      </div>
    </div>
  );
};

export const CurrentlyReading: React.FC<{books: readonly CurrentlyReadingBook[]}> = ({books}) => {
  const heading = useEntrance(CURRENTLY_READING.heading, 40);
  const shown = books.slice(0, shownReadingRows(books.length));
  const overflow = shown.length < books.length;
  const layout = rowLayout(shown.length + (overflow ? 1 : 0));
  const more = useEntrance(CURRENTLY_READING.more(shown.length), 30);
  return (
    <SceneFrame justify="flex-start">
      <Eyebrow icon={<BookmarkIcon size={36} />}>Still reading</Eyebrow>
      <div style={{marginTop: 20, ...heading}}>
        <FitText text="Currently reading" font="display" width={CONTENT_WIDTH} maxFontSize={92} minFontSize={60} maxLines={1} style={{color: COLORS.text}} />
      </div>
      <SceneBody gap={layout.gap}>
        {shown.length === 1 ? (
          <HeroBook book={shown[0]} />
        ) : (
          shown.map((book, index) => <ReadingRow key={`${book.id}-${index}`} book={book} layout={layout} index={index} />)
        )}
        {overflow ? (
          <div style={{fontFamily: BODY_FONT, fontWeight: 500, fontSize: 40, color: COLORS.muted, ...more}}>
            {`and ${books.length - shown.length} more`}
          </div>
        ) : null}
      </SceneBody>
    </SceneFrame>
  );
};
