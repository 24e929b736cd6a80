/**
 * Text that always stays inside its box: the size comes from the deterministic fit in textFit.ts, and a line
 * clamp with an ellipsis catches anything the estimate got wrong.
 *
 * Any script: the direction comes from the text (dir="auto", or one the caller computed), so a Hebrew or Arabic
 * line starts at the right, aligned to the start like every other line; Han text gets its `lang` (glyph shapes,
 * line-breaking conventions), Chinese and Japanese `line-break: strict` and Korean `word-break: keep-all`, the
 * rules textFit.ts simulates. The faces are the template's (theme.ts), and so are the widths the fit assumes.
 */
import React from 'react';
import {type DesignFamilies, FONT_KEY_STYLE, fontFamily} from '../../fonts/registry';
import {hanLang, type HanLang} from '../../fonts/writingSystems';
import {fitText, type FontKey} from './textFit';
import {useTheme} from './theme';
import {useFonts} from '../../fonts/useFonts';

function fontStyle(font: FontKey, lang: HanLang | null, families: DesignFamilies): React.CSSProperties {
  const {stack, weight, style} = FONT_KEY_STYLE[font];
  return {fontFamily: fontFamily(stack, lang, families), fontWeight: weight, fontStyle: style};
}

function lineRules(lang: HanLang | null): React.CSSProperties {
  if (lang === 'ko') {
    return {wordBreak: 'keep-all'};
  }
  return lang === null ? {} : {lineBreak: 'strict'};
}

export interface FitTextProps {
  text: string;
  font: FontKey;
  width: number;
  maxFontSize: number;
  minFontSize: number;
  maxLines: number;
  maxHeight?: number;
  lineHeight?: number;
  letterSpacingEm?: number;
  /** The Han convention to draw with; by default read from the text (null: the text has no CJK). */
  lang?: HanLang | null;
  /** Base direction; by default the text's own (its first strong letter). */
  dir?: 'ltr' | 'rtl' | 'auto';
  style?: React.CSSProperties;
  /** What is drawn, when it is `text` in parts (spans of their own colour): sized as `text` is. */
  children?: React.ReactNode;
}

export const FitText: React.FC<FitTextProps> = ({
  text,
  font,
  width,
  maxFontSize,
  minFontSize,
  maxLines,
  maxHeight,
  lineHeight = 1.15,
  letterSpacingEm = 0,
  lang: langProp,
  dir = 'auto',
  style,
  children,
}) => {
  const lang = langProp === undefined ? hanLang(text) : langProp;
  const {families} = useTheme();
  useFonts([{text, key: font, lang, families}]);
  const fit = fitText({
    text,
    font,
    maxWidth: width,
    maxFontSize,
    minFontSize,
    maxLines,
    maxHeight,
    lineHeight,
    letterSpacingEm,
    lang,
    families,
  });
  // Glyphs (accents on top, descenders below) reach outside tight line boxes; the clip gets a little room on
  // both sides, and negative margins keep the layout exactly as if it had none.
  const bleedTop = Math.ceil(fit.fontSize * 0.08);
  const bleedBottom = Math.ceil(fit.fontSize * 0.12);
  return (
    <div
      dir={dir}
      lang={lang ?? undefined}
      style={{
        ...fontStyle(font, lang, families),
        ...lineRules(lang),
        width,
        fontSize: fit.fontSize,
        lineHeight,
        letterSpacing: `${letterSpacingEm}em`,
        boxSizing: 'content-box',
        maxHeight: fit.lines * fit.fontSize * lineHeight,
        padding: `${bleedTop}px 0 ${bleedBottom}px`,
        margin: `${-bleedTop}px 0 ${-bleedBottom}px`,
        display: '-webkit-box',
        WebkitBoxOrient: 'vertical',
        WebkitLineClamp: fit.lines,
        overflow: 'hidden',
        overflowWrap: 'anywhere',
        ...style,
      }}
    >
      {children ?? text}
    </div>
  );
};
