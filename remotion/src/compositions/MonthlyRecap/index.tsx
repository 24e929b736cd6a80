/**
 * The MonthlyRecap composition: resolves the props' template (template/template.ts; the defaults are the default
 * design), lays the scenes out on the timeline from timeline.ts (the single timing rule), each on a background of
 * its own with its own palette (a book's is a tint of its cover), and starts loading every cover up front so later
 * scenes rarely have to wait. Every scene reads the template and its palette from ThemeContext (theme.ts); the
 * template's own font families are loaded before the first frame.
 */
import React, {useEffect, useMemo, useState} from 'react';
import {AbsoluteFill, continueRender, delayRender} from 'remotion';
import {designFaces} from '../../fonts/registry';
import {isInvisible} from '../../template/colors';
import {resolveScenes} from '../../template/template';
import type {MonthlyRecapProps} from '../../types';
import {BookGrid} from './BookGrid';
import {BookReveal} from './BookReveal';
import {coverPaletteOf, preloadCover} from './coverLoader';
import {CurrentlyReading} from './CurrentlyReading';
import {Grain} from './Grain';
import {Intro} from './Intro';
import {Outro} from './Outro';
import {FooterContext} from './Scene';
import {FRAMES, FrameContext, formatOf} from './frame';
import {Stats} from './Stats';
import {bookPalette, type Palette, SceneExitContext, type Theme, ThemeContext, themeOf} from './theme';
import {buildTimeline, type Scene} from '../../timing/timeline';
import {SceneSlot} from './transition';
import {useFaces, useFonts} from '../../fonts/useFonts';

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
      return <Intro meta={props.meta} books={props.books} totalPages={props.stats.totalPages} />;
    case 'book':
      return scene.bookIndex === undefined ? <BookGrid books={props.books} /> : <BookReveal books={props.books} index={scene.bookIndex} />;
    case 'stats':
      return <Stats meta={props.meta} stats={props.stats} />;
    case 'comingSoon':
      return <CurrentlyReading books={props.currentlyReading ?? []} />;
    case 'outro':
      return <Outro meta={props.meta} stats={props.stats} books={props.books} />;
  }
};

/** The palette a scene draws with: a book's own, or the template's. */
function sceneColors(scene: Scene, props: MonthlyRecapProps, theme: Theme): Palette {
  const book = scene.kind === 'book' && scene.bookIndex !== undefined ? props.books[scene.bookIndex] : undefined;
  return book === undefined ? theme.colors : bookPalette(book, theme.template);
}

/**
 * The books with a `coverPalette` each: the server's when it sent one (a render), else read in the browser from the
 * cover's own pixels (the browser preview plays covers from their URLs), holding the frame until they are read. A
 * cover whose pixels cannot be read keeps the colour of its title.
 */
function useCoverPalettes(books: MonthlyRecapProps['books']): MonthlyRecapProps['books'] {
  const wanted = books
    .filter((book) => !book.coverPalette && typeof book.coverUrl === 'string' && /^https?:/i.test(book.coverUrl))
    .map((book) => book.coverUrl as string);
  const key = [...new Set(wanted)].join('\n');
  const [read, setRead] = useState<Record<string, string[] | null>>({});
  // The first covers hold the first frame (released once, whatever happens); later changes (a preview's update)
  // are read without holding.
  const [hold] = useState(() => ({handle: key === '' ? null : delayRender("Reading the covers' colours")}));
  useEffect(() => {
    let active = true;
    const release = () => {
      if (hold.handle !== null) {
        continueRender(hold.handle);
        hold.handle = null;
      }
    };
    const urls = key === '' ? [] : key.split('\n');
    Promise.all(urls.map(async (url) => [url, await coverPaletteOf(url)] as const)).then((entries) => {
      if (active) {
        setRead(Object.fromEntries(entries));
      }
      release();
    });
    return () => {
      active = false;
      release();
    };
  }, [key, hold]);
  return books.map((book) =>
    book.coverPalette || book.coverUrl === null ? book : {...book, coverPalette: read[book.coverUrl] ?? null},
  );
}

export const MonthlyRecap: React.FC<MonthlyRecapProps> = (given) => {
  const books = useCoverPalettes(given.books);
  const props = {...given, books};
  const key = JSON.stringify(props.template ?? null);
  const theme = useMemo(() => themeOf(resolveScenes(JSON.parse(key))), [key]);
  useFaces(designFaces(theme.families), 'the template families');
  const footer = `${props.meta.monthName} ${props.meta.year}`;
  // The footer shows the month in capitals (text-transform), which can need other faces than as written.
  useFonts([{text: footer.toUpperCase(), key: 'bodyBold', lang: null, families: theme.families}]);
  const timeline = buildTimeline(props, theme.template);
  const urls = coverUrls(props).join('\n');
  useEffect(() => {
    // Warm-up only: each Cover still holds its own frames until its image has settled.
    for (const url of urls.split('\n').filter((entry) => entry !== '')) {
      void preloadCover(url);
    }
  }, [urls]);
  const {colors} = theme;
  const frame = FRAMES[formatOf(props)];
  return (
    <ThemeContext.Provider value={theme}>
      <FrameContext.Provider value={frame}>
        <FooterContext.Provider value={{footer}}>
          <AbsoluteFill style={{backgroundColor: colors.background, color: colors.text}}>
            {/* Scenes are laid out on the frame's canvas in the story's sizes, scaled to the video's (frame.ts). */}
            <div
              style={{
                position: 'absolute',
                left: 0,
                top: 0,
                width: frame.width,
                height: frame.height,
                overflow: 'hidden',
                ...(frame.scale === 1 ? {} : {transform: `scale(${frame.scale})`, transformOrigin: '0 0'}),
              }}
            >
              {timeline.map((scene) => {
                const sceneTheme = {...theme, colors: sceneColors(scene, props, theme)};
                return (
                  <SceneSlot
                    key={`${scene.kind}-${scene.from}`}
                    from={scene.from}
                    wipeIn={scene.wipeIn}
                    durationInFrames={scene.durationInFrames}
                    colors={sceneTheme.colors}
                    name={scene.kind === 'book' && scene.bookIndex !== undefined ? `book ${scene.bookIndex + 1}` : scene.kind}
                  >
                    <ThemeContext.Provider value={sceneTheme}>
                      <SceneExitContext.Provider value={{exitAt: scene.exitAt, end: scene.durationInFrames}}>
                        <SceneContent scene={scene} props={props} />
                      </SceneExitContext.Provider>
                    </ThemeContext.Provider>
                  </SceneSlot>
                );
              })}
              {isInvisible(colors.grain) ? null : <Grain color={colors.grain} />}
            </div>
          </AbsoluteFill>
        </FooterContext.Provider>
      </FrameContext.Provider>
    </ThemeContext.Provider>
  );
};
