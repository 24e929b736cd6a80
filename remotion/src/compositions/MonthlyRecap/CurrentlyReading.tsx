/**
 * Books still in progress, each with how far along it is. Sizes scale with the number of books so one book
 * looks deliberate rather than lost, and a long list is cut to what fits with an "and N more" line.
 */
import React from 'react';
import {interpolate, useCurrentFrame} from 'remotion';
import {BODY_FONT} from '../../fonts';
import type {CurrentlyReadingBook} from '../../types';
import {hanLang} from '../../writingSystems';
import {Cover} from './Cover';
import {FitText} from './FitText';
import {clamp, formatAuthors} from './format';
import {BookmarkIcon} from './icons';
import {useEntrance} from './motion';
import {Eyebrow, SceneBody, SceneFrame} from './Scene';
import {COLORS, CONTENT_WIDTH} from './theme';

/** Rows that fit between the heading and the bottom safe margin. */
const MAX_ROWS = 4;

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

const ProgressBar: React.FC<{progress: number; delay: number; width: number}> = ({progress, delay, width}) => {
  const frame = useCurrentFrame();
  const grow = interpolate(frame, [delay, delay + 30], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'});
  const eased = 1 - (1 - grow) ** 3;
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

const ReadingRow: React.FC<{book: CurrentlyReadingBook; layout: RowLayout; delay: number}> = ({book, layout, delay}) => {
  const entrance = useEntrance(delay, 40);
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
          <ProgressBar progress={book.progress} delay={delay + 6} width={textWidth} />
        </div>
      </div>
    </div>
  );
};

/** A single book in progress gets the whole stage: a big cover with its progress underneath. */
const HeroBook: React.FC<{book: CurrentlyReadingBook}> = ({book}) => {
  const coverIn = useEntrance(6, 40);
  const text = useEntrance(12, 40);
  const progress = useEntrance(16, 30);
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
        <ProgressBar progress={book.progress} delay={18} width={CONTENT_WIDTH} />
      </div>
    </div>
  );
};

export const CurrentlyReading: React.FC<{books: readonly CurrentlyReadingBook[]}> = ({books}) => {
  const heading = useEntrance(2, 40);
  const overflow = books.length > MAX_ROWS;
  const shown = overflow ? books.slice(0, MAX_ROWS - 1) : books;
  const layout = rowLayout(shown.length + (overflow ? 1 : 0));
  const more = useEntrance(8 + shown.length * 5, 30);
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
          shown.map((book, index) => <ReadingRow key={`${book.id}-${index}`} book={book} layout={layout} delay={8 + index * 5} />)
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
