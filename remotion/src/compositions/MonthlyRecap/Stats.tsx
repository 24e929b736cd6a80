/**
 * The month summed up: four counters, the average rating, and the best and worst book. Counters count up so the
 * scene has motion without anything moving around; every value that can be missing has a layout without it.
 */
import React from 'react';
import {BODY_FONT, DISPLAY_FONT} from '../../fonts';
import type {RecapMeta, RecapStats} from '../../types';
import {FitText} from './FitText';
import {formatNumber, formatRating} from './format';
import {BookIcon, CheckIcon, CrossIcon, PagesIcon, StarRating} from './icons';
import {type Cue, STATS} from './choreography';
import {useCountUp, useCue, useEntrance} from './motion';
import {RatedBookCard} from './RatedBookCard';
import {Eyebrow, SceneBody, SceneFrame} from './Scene';
import {fitText} from './textFit';
import {COLORS, CONTENT_WIDTH, RADIUS} from './theme';
import {useFonts} from './useFonts';

const GAP = 24;
const TILE_WIDTH = (CONTENT_WIDTH - GAP) / 2;
const TILE_PAD = 32;

const card: React.CSSProperties = {
  borderRadius: RADIUS.card,
  background: COLORS.surface,
  border: `2px solid ${COLORS.border}`,
  boxSizing: 'border-box',
};

const StatTile: React.FC<{label: string; value: number; icon: React.ReactNode; cues: {tile: Cue; count: Cue}}> = ({label, value, icon, cues}) => {
  const entrance = useEntrance(cues.tile, 40);
  const shown = useCountUp(value, cues.count);
  // Size the number for its final value, so it does not change size while counting up.
  const {fontSize} = fitText({
    text: formatNumber(value),
    font: 'display',
    maxWidth: TILE_WIDTH - 2 * TILE_PAD,
    maxFontSize: 112,
    minFontSize: 40,
    maxLines: 1,
    lineHeight: 1,
  });
  return (
    <div style={{...card, width: TILE_WIDTH, height: 224, padding: TILE_PAD, display: 'flex', flexDirection: 'column', justifyContent: 'space-between', ...entrance}}>
      <div style={{display: 'flex', alignItems: 'center', gap: 14, fontFamily: BODY_FONT, fontWeight: 500, fontSize: 30, color: COLORS.muted}}>
        {icon}
        {label}
      </div>
      <div style={{fontFamily: DISPLAY_FONT, fontWeight: 700, fontSize, lineHeight: 1, color: COLORS.text, whiteSpace: 'nowrap'}}>
        {formatNumber(shown)}
      </div>
    </div>
  );
};

const AverageTile: React.FC<{average: number | null}> = ({average}) => {
  const entrance = useEntrance(STATS.averageTile, 40);
  const shown = useCountUp(average ?? 0, STATS.averageCount);
  const stars = useCue(STATS.averageStars);
  return (
    <div
      style={{
        ...card,
        width: CONTENT_WIDTH,
        height: 200,
        padding: `0 ${TILE_PAD}px`,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'space-between',
        ...entrance,
      }}
    >
      <div style={{display: 'flex', flexDirection: 'column', gap: 8}}>
        <div style={{fontFamily: BODY_FONT, fontWeight: 500, fontSize: 30, color: COLORS.muted}}>Average rating</div>
        {average === null ? (
          <div style={{fontFamily: DISPLAY_FONT, fontStyle: 'italic', fontWeight: 400, fontSize: 76, lineHeight: 1.1, color: COLORS.muted}}>
            not rated
          </div>
        ) : (
          <div style={{display: 'flex', alignItems: 'baseline', gap: 10}}>
            <span style={{fontFamily: DISPLAY_FONT, fontWeight: 700, fontSize: 100, lineHeight: 1, color: COLORS.text}}>
              {formatRating(shown)}
            </span>
            <span style={{fontFamily: BODY_FONT, fontWeight: 500, fontSize: 34, color: COLORS.muted}}>/10</span>
          </div>
        )}
      </div>
      <StarRating score={average ?? 0} size={54} gap={8} reveal={stars} />
    </div>
  );
};

const QuietMonth: React.FC = () => {
  const entrance = useEntrance(STATS.quietMonth, 30);
  return (
    <div
      style={{
        ...card,
        width: CONTENT_WIDTH,
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
      <div style={{fontFamily: DISPLAY_FONT, fontStyle: 'italic', fontWeight: 400, fontSize: 50, lineHeight: 1.2, color: COLORS.text}}>
        A quiet month. The next chapter is waiting.
      </div>
    </div>
  );
};

const CompletedIcon: React.FC = () => (
  <div style={{width: 40, height: 40, borderRadius: 20, background: COLORS.accent, display: 'flex', alignItems: 'center', justifyContent: 'center'}}>
    <CheckIcon size={28} />
  </div>
);

const DnfIcon: React.FC = () => (
  <div style={{width: 40, height: 40, borderRadius: 20, border: `3px solid ${COLORS.muted}`, boxSizing: 'border-box', display: 'flex', alignItems: 'center', justifyContent: 'center'}}>
    <CrossIcon size={24} color={COLORS.muted} />
  </div>
);

export const Stats: React.FC<{meta: RecapMeta; stats: RecapStats}> = ({meta, stats}) => {
  // The eyebrow shows the month name in capitals (text-transform), which can need other faces than as written.
  useFonts([{text: `${meta.monthName} ${meta.year}`.toUpperCase(), key: 'bodyBold', lang: null}]);
  const heading = useEntrance(STATS.heading, 40);
  const top = useEntrance(STATS.topRated, 40);
  const lowest = useEntrance(STATS.lowestRated, 40);
  const sameBook =
    stats.topRatedBook !== null &&
    stats.lowestRatedBook !== null &&
    stats.topRatedBook.title === stats.lowestRatedBook.title &&
    stats.topRatedBook.rating === stats.lowestRatedBook.rating;
  return (
    <SceneFrame justify="flex-start">
      <Eyebrow>{`${meta.monthName} ${meta.year}`}</Eyebrow>
      <div style={{marginTop: 20, ...heading}}>
        <FitText text="By the numbers" font="display" width={CONTENT_WIDTH} maxFontSize={92} minFontSize={60} maxLines={1} style={{color: COLORS.text}} />
      </div>
      <SceneBody>
        <div style={{display: 'flex', flexWrap: 'wrap', gap: GAP}}>
          <StatTile label="Books" value={stats.totalBooks} icon={<BookIcon size={40} />} cues={{tile: STATS.booksTile, count: STATS.booksCount}} />
          <StatTile label="Pages" value={stats.totalPages} icon={<PagesIcon size={40} color={COLORS.accent} />} cues={{tile: STATS.pagesTile, count: STATS.pagesCount}} />
          <StatTile label="Completed" value={stats.completedCount} icon={<CompletedIcon />} cues={{tile: STATS.completedTile, count: STATS.completedCount}} />
          <StatTile label="DNF" value={stats.dnfCount} icon={<DnfIcon />} cues={{tile: STATS.dnfTile, count: STATS.dnfCount}} />
        </div>
        <div style={{marginTop: GAP}}>
          <AverageTile average={stats.averageRating} />
        </div>
        {stats.topRatedBook !== null ? <RatedBookCard kind="top" book={stats.topRatedBook} style={{marginTop: GAP, ...top}} /> : null}
        {stats.lowestRatedBook !== null && !sameBook ? (
          <RatedBookCard kind="lowest" book={stats.lowestRatedBook} style={{marginTop: GAP, ...lowest}} />
        ) : null}
        {stats.totalBooks === 0 ? (
          <div style={{marginTop: GAP}}>
            <QuietMonth />
          </div>
        ) : null}
      </SceneBody>
    </SceneFrame>
  );
};
