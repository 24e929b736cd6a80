/**
 * What a book looks like without a usable cover: a dark card in the video's palette with the title's initials,
 * so a missing or broken image still reads as "a book" rather than an empty hole. The card follows the title's
 * direction: a Hebrew or Arabic title's initials and title start at the right.
 */
import React from 'react';
import {type DesignFamilies, fontFamily} from '../../fonts';
import {graphemes, hanLang, textDirection} from '../../writingSystems';
import {FitText} from './FitText';
import {titleInitials} from './format';
import {textWidthEm} from './textFit';
import {inkOn, useTheme} from './theme';
import {useFonts} from './useFonts';

/**
 * The light ink of a generated cover: whatever the template, a placeholder is a dark book cover, so its title is
 * always light, and its initials take the template's accent only when that reads on the dark cover.
 */
const COVER_INK = '#F4F0E8';

/** Low-saturation hues: enough variety to tell books apart without adding a second accent colour. */
const HUES = [222, 262, 340, 168, 28, 200];

const CASED = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}]*$/u;

/**
 * Width of the initials in em: 0.9 em a character (the rule Latin covers were designed with, kept as it was), or
 * textFit's estimate where that is wider (a Tamil syllable is well over an em).
 */
function initialsWidthEm(initials: string, families: DesignFamilies): number {
  const perCharacter = Math.max(1, graphemes(initials).length * 0.9);
  return CASED.test(initials) ? perCharacter : Math.max(perCharacter, textWidthEm(initials, 'display', 0, families));
}

function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  }
  return hash >>> 0;
}

export const CoverPlaceholder: React.FC<{title: string; width: number; height: number; radius: number}> = ({
  title,
  width,
  height,
  radius,
}) => {
  const hue = HUES[hashString(title) % HUES.length];
  const initials = titleInitials(title) || '?';
  const lang = hanLang(title);
  const dir = textDirection(title);
  const {colors, families} = useTheme();
  // A light accent (one that wants dark ink on it) reads on the dark cover; a dark one would vanish.
  const accent = inkOn(colors.accent) === '#FFFFFF' ? COVER_INK : colors.accent;
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
        background: `linear-gradient(160deg, hsl(${hue}, 20%, 21%) 0%, hsl(${hue}, 16%, 11%) 100%)`,
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
          background: 'rgba(255,255,255,0.1)',
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
          color: accent,
        }}
      >
        {initials}
      </div>
      {showTitle ? (
        <div style={{position: 'absolute', left: pad, right: pad, bottom: pad}}>
          <div style={{width: width * 0.18, height: 3, background: accent, marginBottom: pad * 0.6}} />
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
            style={{color: COVER_INK}}
          />
        </div>
      ) : null}
    </div>
  );
};
