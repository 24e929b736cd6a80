/**
 * The MonthlyRecap composition: lays the scenes out on the timeline from timeline.ts (the single timing rule)
 * over one flat background, and starts loading every cover up front so later scenes rarely have to wait.
 */
import React, {useEffect} from 'react';
import {AbsoluteFill, Sequence} from 'remotion';
import '../../fonts';
import type {MonthlyRecapProps} from '../../types';
import {BookReveal} from './BookReveal';
import {preloadCover} from './coverLoader';
import {CurrentlyReading} from './CurrentlyReading';
import {Intro} from './Intro';
import {Outro} from './Outro';
import {Stats} from './Stats';
import {COLORS} from './theme';
import {buildTimeline, type Scene} from './timeline';

function coverUrls(props: MonthlyRecapProps): string[] {
  const urls = [
    ...props.books.map((book) => book.coverUrl),
    props.stats.topRatedBook?.coverUrl ?? null,
    props.stats.lowestRatedBook?.coverUrl ?? null,
    ...(props.currentlyReading ?? []).map((book) => book.coverUrl),
  ];
  return [...new Set(urls.filter((url): url is string => typeof url === 'string' && url.trim() !== ''))];
}

const SceneContent: React.FC<{scene: Scene; props: MonthlyRecapProps}> = ({scene, props}) => {
  switch (scene.kind) {
    case 'intro':
      return <Intro meta={props.meta} titles={props.books.map((book) => book.title)} />;
    case 'book': {
      const index = scene.bookIndex ?? 0;
      return <BookReveal book={props.books[index]} index={index} total={props.books.length} />;
    }
    case 'stats':
      return <Stats meta={props.meta} stats={props.stats} />;
    case 'currentlyReading':
      return <CurrentlyReading books={props.currentlyReading ?? []} />;
    case 'outro':
      return <Outro meta={props.meta} stats={props.stats} />;
  }
};

export const MonthlyRecap: React.FC<MonthlyRecapProps> = (props) => {
  const timeline = buildTimeline(props);
  const urls = coverUrls(props).join('\n');
  useEffect(() => {
    // Warm-up only: each Cover still holds its own frames until its image has settled.
    for (const url of urls.split('\n').filter((entry) => entry !== '')) {
      void preloadCover(url);
    }
  }, [urls]);
  return (
    <AbsoluteFill style={{backgroundColor: COLORS.background, color: COLORS.text}}>
      {timeline.map((scene) => (
        <Sequence
          key={`${scene.kind}-${scene.from}`}
          from={scene.from}
          durationInFrames={scene.durationInFrames}
          name={scene.kind === 'book' ? `book ${(scene.bookIndex ?? 0) + 1}` : scene.kind}
        >
          <SceneContent scene={scene} props={props} />
        </Sequence>
      ))}
    </AbsoluteFill>
  );
};
