/**
 * The month summed up: four counters, the average rating, and the best and worst book. Counters count up so the
 * scene has motion without anything moving around; every value that can be missing has a layout without it.
 *
 * Template (stats): `stacked` (the default design) is a 2 x 2 grid of tiles with the average and the rated
 * books below; `horizontal` puts the counters side by side in one row and the rated books next to each other;
 * `minimal` is the numbers as large lines of text, no cards. `showTotalBooks`, `showTotalPages`,
 * `showAverageRating` and `showTopBook` leave out the books counter, the pages counter, the average and the
 * top-rated book; `animateNumbers: false` shows each number at its value from the start.
 */
import React from 'react';
import type {RecapMeta, RecapStats} from '../../types';
import type {Cue} from '../../timing/choreography';
import {FitText} from './FitText';
import {formatNumber, formatRating} from './format';
import {BookIcon, CheckIcon, CrossIcon, PagesIcon, StarRating} from './icons';
import {useCountUp, useCue, useEntrance} from './motion';
import {RatedBookCard} from './RatedBookCard';
import {contentBottom, Eyebrow, SceneBody, SceneFrame} from './Scene';
import {fitText} from './textFit';
import {type Frame, useFrame} from './frame';
import {type Palette, RADIUS, ratingColor, useTheme} from './theme';

const GAP = 24;
const TILE_PAD = 32;
/** Heights the tiles share the stats body with: the average card, a rated book's card, the quiet month's card. */
const AVERAGE_HEIGHT = 200;
const RATED_HEIGHT = 224;
const QUIET_HEIGHT = 200;
/** From under the heading to the end of the content (the eyebrow, 20 px, the 92 px heading's line, a gap). */
function bodyHeight(frame: Frame): number {
  return contentBottom(frame) - frame.safe.top - 48 - 20 - 110 - 2 * GAP;
}
/** The square and landscape cuts' two columns (the counters; the average and the rated books) and their gap. */
const COLUMN_GAP = 64;

function ratedCount(top: unknown, lowest: unknown): number {
  return (top === null ? 0 : 1) + (lowest === null ? 0 : 1);
}

function cardStyle(colors: Palette): React.CSSProperties {
  return {borderRadius: RADIUS.card, background: colors.surface, border: `2px solid ${colors.border}`, boxSizing: 'border-box'};
}

interface Counter {
  label: string;
  value: number;
  icon: React.ReactNode;
  cues: {tile: Cue; count: Cue};
}

const StatTile: React.FC<Counter & {width: number; height: number; maxFontSize: number}> = ({label, value, icon, cues, width, height, maxFontSize}) => {
  const {colors, fonts, families, template} = useTheme();
  const entrance = useEntrance(cues.tile, 40);
  const shown = useCountUp(value, cues.count, template.stats.animateNumbers);
  // Size the number for its final value, so it does not change size while counting up.
  const {fontSize} = fitText({
    text: formatNumber(value),
    font: 'display',
    maxWidth: width - 2 * TILE_PAD,
    maxFontSize,
    minFontSize: 40,
    maxLines: 1,
    lineHeight: 1,
    families,
  });
  return (
    <div style={{...cardStyle(colors), width, height, padding: TILE_PAD, display: 'flex', flexDirection: 'column', justifyContent: 'space-between', ...entrance}}>
      <div style={{display: 'flex', alignItems: 'center', gap: 14, fontFamily: fonts.body, fontWeight: 500, fontSize: 30, color: colors.muted}}>
        {icon}
        {label}
      </div>
      <div style={{fontFamily: fonts.display, fontWeight: 700, fontSize, lineHeight: 1, color: colors.text, whiteSpace: 'nowrap'}}>
        {formatNumber(shown)}
      </div>
    </div>
  );
};

const AverageTile: React.FC<{average: number | null; width: number}> = ({average, width}) => {
  const {colors, fonts, cues, template} = useTheme();
  const entrance = useEntrance(cues.stats.averageTile, 40);
  const shown = useCountUp(average ?? 0, cues.stats.averageCount, template.stats.animateNumbers);
  const stars = useCue(cues.stats.averageStars);
  return (
    <div
      style={{
        ...cardStyle(colors),
        width,
        height: AVERAGE_HEIGHT,
        padding: `0 ${TILE_PAD}px`,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'space-between',
        ...entrance,
      }}
    >
      <div style={{display: 'flex', flexDirection: 'column', gap: 8}}>
        <div style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 30, color: colors.muted}}>Average rating</div>
        {average === null ? (
          <div style={{fontFamily: fonts.display, fontStyle: 'italic', fontWeight: 400, fontSize: 76, lineHeight: 1.1, color: colors.faint}}>
            not rated
          </div>
        ) : (
          <div style={{display: 'flex', alignItems: 'baseline', gap: 10}}>
            <span style={{fontFamily: fonts.display, fontWeight: 700, fontSize: 100, lineHeight: 1, color: colors.text}}>
              {formatRating(shown)}
            </span>
            <span style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 34, color: colors.faint}}>/10</span>
          </div>
        )}
      </div>
      <StarRating score={average ?? 0} size={54} gap={8} reveal={template.stats.animateNumbers ? stars : 1} color={ratingColor(colors, average ?? 0)} />
    </div>
  );
};

const QuietMonth: React.FC<{width: number}> = ({width}) => {
  const {colors, fonts, cues} = useTheme();
  const entrance = useEntrance(cues.stats.quietMonth, 30);
  return (
    <div
      style={{
        ...cardStyle(colors),
        width,
        padding: 40,
        display: 'flex',
        alignItems: 'center',
        gap: 28,
        background: 'transparent',
        borderStyle: 'dashed',
        ...entrance,
      }}
    >
      <BookIcon size={64} />
      <div style={{fontFamily: fonts.display, fontStyle: 'italic', fontWeight: 400, fontSize: 50, lineHeight: 1.2, color: colors.text}}>
        A quiet month. The next chapter is waiting.
      </div>
    </div>
  );
};

const CompletedIcon: React.FC = () => {
  const {colors} = useTheme();
  return (
    <div style={{width: 40, height: 40, borderRadius: 20, background: colors.completed, display: 'flex', alignItems: 'center', justifyContent: 'center'}}>
      <CheckIcon size={28} />
    </div>
  );
};

const DnfIcon: React.FC = () => {
  const {colors} = useTheme();
  return (
    <div style={{width: 40, height: 40, borderRadius: 20, border: `3px solid ${colors.dnf}`, boxSizing: 'border-box', display: 'flex', alignItems: 'center', justifyContent: 'center'}}>
      <CrossIcon size={24} color={colors.dnf} />
    </div>
  );
};

/** The `minimal` layout's line: a big number and what it counts. */
const NumberLine: React.FC<Counter & {format?: (value: number) => string}> = ({label, value, cues, format = formatNumber}) => {
  const {colors, fonts, template} = useTheme();
  const entrance = useEntrance(cues.tile, 40);
  const shown = useCountUp(value, cues.count, template.stats.animateNumbers);
  return (
    <div style={{display: 'flex', alignItems: 'baseline', gap: 24, ...entrance}}>
      <span style={{fontFamily: fonts.display, fontWeight: 700, fontSize: 168, lineHeight: 1.02, color: colors.text, whiteSpace: 'nowrap'}}>
        {format(shown)}
      </span>
      <span style={{fontFamily: fonts.body, fontWeight: 500, fontSize: 52, color: colors.muted}}>{label.toLowerCase()}</span>
    </div>
  );
};

export const Stats: React.FC<{meta: RecapMeta; stats: RecapStats}> = ({meta, stats}) => {
  const {colors, cues, template} = useTheme();
  const frame = useFrame();
  // The square and landscape cuts set the counters and the cards in two columns (the story stacks them).
  const twoColumns = frame.format !== 'story';
  const options = template.stats;
  const heading = useEntrance(cues.stats.heading, 40);
  const top = useEntrance(cues.stats.topRated, 40);
  const lowest = useEntrance(cues.stats.lowestRated, 40);
  const sameBook =
    stats.topRatedBook !== null &&
    stats.lowestRatedBook !== null &&
    stats.topRatedBook.title === stats.lowestRatedBook.title &&
    stats.topRatedBook.rating === stats.lowestRatedBook.rating;
  const s = cues.stats;
  const counters: Counter[] = [
    ...(options.showTotalBooks ? [{label: 'Books', value: stats.totalBooks, icon: <BookIcon size={40} />, cues: {tile: s.booksTile, count: s.booksCount}}] : []),
    ...(options.showTotalPages
      ? [{label: 'Pages', value: stats.totalPages, icon: <PagesIcon size={40} color={colors.accent} />, cues: {tile: s.pagesTile, count: s.pagesCount}}]
      : []),
    {label: 'Completed', value: stats.completedCount, icon: <CompletedIcon />, cues: {tile: s.completedTile, count: s.completedCount}},
    {label: 'DNF', value: stats.dnfCount, icon: <DnfIcon />, cues: {tile: s.dnfTile, count: s.dnfCount}},
  ];
  const topBook = options.showTopBook ? stats.topRatedBook : null;
  const lowestBook = stats.lowestRatedBook !== null && !sameBook ? stats.lowestRatedBook : null;
  const horizontal = options.layout === 'horizontal';
  const quiet = stats.totalBooks === 0;
  if (options.layout === 'minimal') {
    return (
      <SceneFrame justify="flex-start">
        <Eyebrow cue={s.eyebrow}>{`${meta.monthName} ${meta.year}`}</Eyebrow>
        <SceneBody gap={28} justify="space-evenly">
          <div
            style={{
              display: 'grid',
              gridTemplateColumns: twoColumns ? '1fr 1fr' : '1fr',
              columnGap: COLUMN_GAP,
              rowGap: 28,
            }}
          >
          {counters.map((counter) => (
            <NumberLine key={counter.label} {...counter} />
          ))}
          {options.showAverageRating && stats.averageRating !== null ? (
            <NumberLine
              label="Average rating"
              value={stats.averageRating}
              icon={null}
              cues={{tile: s.averageTile, count: s.averageCount}}
              format={formatRating}
            />
          ) : null}
          </div>
          {topBook !== null ? (
            <div style={{...top, marginTop: 20}}>
              <FitText text={`Top rated: ${topBook.title}`} font="displayItalic" width={frame.contentWidth} maxFontSize={56} minFontSize={36} maxLines={2} style={{color: colors.accent}} />
            </div>
          ) : null}
        </SceneBody>
      </SceneFrame>
    );
  }
  // In the square and landscape cuts the counters have the left column, the average and the rated books the right.
  const columnWidth = twoColumns ? (frame.contentWidth - COLUMN_GAP) / 2 : frame.contentWidth;
  const tileWidth = horizontal ? (columnWidth - (counters.length - 1) * 16) / counters.length : (columnWidth - GAP) / 2;
  // The tiles take the height the other cards leave, so the scene reaches the footer whatever it shows.
  const tileRows = horizontal ? 1 : Math.ceil(counters.length / 2);
  const cardRows = horizontal ? Math.min(1, ratedCount(topBook, lowestBook)) : ratedCount(topBook, lowestBook);
  const others = twoColumns
    ? 0
    : (options.showAverageRating ? AVERAGE_HEIGHT + GAP : 0) + cardRows * (RATED_HEIGHT + GAP) + (quiet ? QUIET_HEIGHT + GAP : 0);
  const tileHeight = Math.max(200, Math.min(horizontal ? 360 : 330, (bodyHeight(frame) - others - (tileRows - 1) * GAP) / tileRows));
  const rated = [
    ...(topBook !== null ? [{kind: 'top' as const, book: topBook, entrance: top}] : []),
    ...(lowestBook !== null ? [{kind: 'lowest' as const, book: lowestBook, entrance: lowest}] : []),
  ];
  return (
    <SceneFrame justify="flex-start">
      <Eyebrow cue={s.eyebrow}>{`${meta.monthName} ${meta.year}`}</Eyebrow>
      <div style={{marginTop: 20, ...heading}}>
        <FitText text="By the numbers" font="display" width={frame.contentWidth} maxFontSize={92} minFontSize={60} maxLines={1} style={{color: colors.text}} />
      </div>
      <SceneBody justify="space-evenly">
        {/* The story stacks everything in the body; the square and landscape cuts set two columns side by side. */}
        <div style={twoColumns ? {display: 'flex', gap: COLUMN_GAP, alignItems: 'center'} : {display: 'contents'}}>
          <div style={{display: 'flex', flexWrap: horizontal ? 'nowrap' : 'wrap', gap: horizontal ? 16 : GAP, width: columnWidth}}>
            {counters.map((counter) => (
              <StatTile key={counter.label} {...counter} width={tileWidth} height={tileHeight} maxFontSize={horizontal ? 76 : 140} />
            ))}
          </div>
          <div style={twoColumns ? {display: 'flex', flexDirection: 'column', width: columnWidth} : {display: 'contents'}}>
            {options.showAverageRating ? (
              <div style={{marginTop: twoColumns ? 0 : GAP}}>
                <AverageTile average={stats.averageRating} width={columnWidth} />
              </div>
            ) : null}
            {horizontal && rated.length > 0 ? (
              <div style={{display: 'flex', gap: 16, marginTop: GAP}}>
                {rated.map(({kind, book, entrance}) => (
                  <RatedBookCard
                    key={kind}
                    kind={kind}
                    book={book}
                    width={(columnWidth - 16 * (rated.length - 1)) / rated.length}
                    style={entrance}
                  />
                ))}
              </div>
            ) : (
              rated.map(({kind, book, entrance}) => (
                <RatedBookCard key={kind} kind={kind} book={book} width={columnWidth} style={{marginTop: GAP, ...entrance}} />
              ))
            )}
            {quiet ? (
              <div style={{marginTop: GAP}}>
                <QuietMonth width={columnWidth} />
              </div>
            ) : null}
          </div>
        </div>
      </SceneBody>
    </SceneFrame>
  );
};
