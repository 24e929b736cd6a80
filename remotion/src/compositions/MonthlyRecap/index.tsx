/**
 * The MonthlyRecap composition: resolves the props' template (template/template.ts; the defaults are the original
 * design), lays the scenes out on the timeline from timeline.ts (the single timing rule) over one flat background,
 * and starts loading every cover up front so later scenes rarely have to wait. Every scene reads the template from
 * ThemeContext (theme.ts); the template's own font families are loaded before the first frame.
 */
import React, {useEffect, useMemo} from 'react';
import {AbsoluteFill, Sequence} from 'remotion';
import {designFaces} from '../../fonts';
import {isInvisible} from '../../template/colors';
import {resolveTemplate} from '../../template/template';
import type {MonthlyRecapProps} from '../../types';
import {BookGrid} from './BookGrid';
import {BookReveal} from './BookReveal';
import {preloadCover} from './coverLoader';
import {CurrentlyReading} from './CurrentlyReading';
import {Grain} from './Grain';
import {Intro} from './Intro';
import {Outro} from './Outro';
import {Stats} from './Stats';
import {SceneFadeContext, ThemeContext, themeOf} from './theme';
import {buildTimeline, type Scene} from './timeline';
import {useFaces} from './useFonts';

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
    case 'book':
      return <BookReveal books={props.books} index={scene.bookIndex ?? 0} />;
    case 'bookGrid':
      return <BookGrid books={props.books} />;
    case 'stats':
      return <Stats meta={props.meta} stats={props.stats} />;
    case 'currentlyReading':
      return <CurrentlyReading books={props.currentlyReading ?? []} />;
    case 'outro':
      return <Outro meta={props.meta} stats={props.stats} />;
  }
};

export const MonthlyRecap: React.FC<MonthlyRecapProps> = (props) => {
  const key = JSON.stringify(props.template ?? null);
  const theme = useMemo(() => themeOf(resolveTemplate(JSON.parse(key))), [key]);
  useFaces(designFaces(theme.families), 'the template families');
  const timeline = buildTimeline(props, theme.template);
  const urls = coverUrls(props).join('\n');
  useEffect(() => {
    // Warm-up only: each Cover still holds its own frames until its image has settled.
    for (const url of urls.split('\n').filter((entry) => entry !== '')) {
      void preloadCover(url);
    }
  }, [urls]);
  const {colors} = theme;
  return (
    <ThemeContext.Provider value={theme}>
      <AbsoluteFill style={{backgroundColor: colors.background, color: colors.text}}>
        {timeline.map((scene) => (
          <Sequence
            key={`${scene.kind}-${scene.from}`}
            from={scene.from}
            durationInFrames={scene.durationInFrames}
            name={scene.kind === 'book' ? `book ${(scene.bookIndex ?? 0) + 1}` : scene.kind}
          >
            <SceneFadeContext.Provider value={scene.fadeOut}>
              <SceneContent scene={scene} props={props} />
            </SceneFadeContext.Provider>
          </Sequence>
        ))}
        {isInvisible(colors.grain) ? null : <Grain color={colors.grain} />}
      </AbsoluteFill>
    </ThemeContext.Provider>
  );
};
