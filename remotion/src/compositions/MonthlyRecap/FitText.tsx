/**
 * Text that always stays inside its box: the size comes from the deterministic fit in textFit.ts, and a line
 * clamp with an ellipsis catches anything the estimate got wrong.
 */
import React from 'react';
import {BODY_FONT, DISPLAY_FONT} from '../../fonts';
import {fitText, type FontKey} from './textFit';

const FONT_STYLE: Record<FontKey, React.CSSProperties> = {
  display: {fontFamily: DISPLAY_FONT, fontWeight: 700, fontStyle: 'normal'},
  displayItalic: {fontFamily: DISPLAY_FONT, fontWeight: 400, fontStyle: 'italic'},
  body: {fontFamily: BODY_FONT, fontWeight: 500, fontStyle: 'normal'},
  bodyBold: {fontFamily: BODY_FONT, fontWeight: 700, fontStyle: 'normal'},
};

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
  style?: React.CSSProperties;
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
  style,
}) => {
  const fit = fitText({text, font, maxWidth: width, maxFontSize, minFontSize, maxLines, maxHeight, lineHeight, letterSpacingEm});
  // Glyphs (accents on top, descenders below) reach outside tight line boxes; the clip gets a little room on
  // both sides, and negative margins keep the layout exactly as if it had none.
  const bleedTop = Math.ceil(fit.fontSize * 0.08);
  const bleedBottom = Math.ceil(fit.fontSize * 0.12);
  return (
    <div
      style={{
        ...FONT_STYLE[font],
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
      {text}
    </div>
  );
};
