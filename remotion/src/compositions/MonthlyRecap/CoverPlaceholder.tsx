/**
 * What a book looks like without a usable cover: a card in the book's own colour (derived from its title, from a
 * palette that suits the template: palette/placeholderSeed) with the title's initials, so a missing or broken image
 * still reads as "a book" rather than an empty hole, and no two books look alike. The ink is dark or light,
 * whichever reads on that colour. The card follows the title's direction: a Hebrew or Arabic title's initials and
 * title start at the right.
 */
import React from 'react';
import {type DesignFamilies, fontFamily} from '../../fonts/registry';
import {graphemes, hanLang, textDirection} from '../../fonts/writingSystems';
import {FitText} from './FitText';
import {titleInitials} from './format';
import {textWidthEm} from './textFit';
import {placeholderSeed} from '../../palette';
import {inkOn, useTheme} from './theme';
import {useFonts} from '../../fonts/useFonts';

const CASED = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}]*$/u;

/**
 * Width of the initials in em: 0.9 em a character (the rule Latin covers were designed with, kept as it was), or
 * textFit's estimate where that is wider (a Tamil syllable is well over an em).
 */
function initialsWidthEm(initials: string, families: DesignFamilies): number {
  const perCharacter = Math.max(1, graphemes(initials).length * 0.9);
  return CASED.test(initials) ? perCharacter : Math.max(perCharacter, textWidthEm(initials, 'display', 0, families));
}

export const CoverPlaceholder: React.FC<{title: string; width: number; height: number; radius: number}> = ({
  title,
  width,
  height,
  radius,
}) => {
  const initials = titleInitials(title) || '?';
  const lang = hanLang(title);
  const dir = textDirection(title);
  const {families, template} = useTheme();
  const color = placeholderSeed(title, template.global.colors);
  const ink = inkOn(color);
  useFonts([{text: initials, key: 'display', lang, families}]);
  const showTitle = width >= 200;
  const pad = Math.round(width * 0.1);
  return (
    <div
      dir={dir}
      style={{
        position: 'relative',
        width,
        height,
        borderRadius: radius,
        overflow: 'hidden',
        background: color,
        backgroundImage: 'linear-gradient(160deg, rgba(255, 255, 255, 0.10) 0%, rgba(0, 0, 0, 0.16) 100%)',
        border: '1px solid rgba(255, 255, 255, 0.08)',
        boxSizing: 'border-box',
      }}
    >
      {/* spine */}
      <div
        style={{
          position: 'absolute',
          [dir === 'rtl' ? 'right' : 'left']: width * 0.06,
          top: 0,
          bottom: 0,
          width: 2,
          background: ink,
          opacity: 0.25,
        }}
      />
      <div
        lang={lang ?? undefined}
        style={{
          position: 'absolute',
          left: pad,
          right: pad,
          top: showTitle ? height * 0.16 : 0,
          bottom: showTitle ? undefined : 0,
          display: 'flex',
          alignItems: 'center',
          justifyContent: showTitle ? 'flex-start' : 'center',
          fontFamily: fontFamily('display', lang, families),
          fontWeight: 700,
          fontSize: Math.min(height * (showTitle ? 0.24 : 0.3), (width - 2 * pad) / initialsWidthEm(initials, families)),
          lineHeight: 1,
          color: ink,
        }}
      >
        {initials}
      </div>
      {showTitle ? (
        <div style={{position: 'absolute', left: pad, right: pad, bottom: pad}}>
          <div style={{width: width * 0.18, height: 3, background: ink, marginBottom: pad * 0.6}} />
          <FitText
            text={title}
            lang={lang}
            font="display"
            width={width - 2 * pad}
            maxFontSize={Math.round(width * 0.1)}
            minFontSize={Math.round(width * 0.055)}
            maxLines={5}
            maxHeight={height * 0.4}
            lineHeight={1.12}
            style={{color: ink}}
          />
        </div>
      ) : null}
    </div>
  );
};
