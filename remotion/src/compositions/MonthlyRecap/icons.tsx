/**
 * Icons as inline SVG rather than emoji: emoji glyphs depend on the fonts installed on the render machine and
 * would not match the palette. Every icon takes a size and a colour (by default one of the template's, theme.ts).
 */
import React from 'react';
import {useTheme} from './theme';

interface IconProps {
  size: number;
  color?: string;
  style?: React.CSSProperties;
}

const STAR_PATH =
  'M12 1.8l3.09 6.26 6.91 1-5 4.87 1.18 6.88L12 17.56l-6.18 3.25L7 13.93 2 9.06l6.91-1L12 1.8z';

export const StarIcon: React.FC<IconProps> = ({size, color, style}) => {
  const {colors} = useTheme();
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" style={{display: 'block', ...style}}>
      <path d={STAR_PATH} fill={color ?? colors.accent} strokeLinejoin="round" />
    </svg>
  );
};

/** A star's outline: an empty star reads as "no star" by its shape, in a colour that stands out from the background. */
const StarOutline: React.FC<{size: number; color: string}> = ({size, color}) => (
  <svg width={size} height={size} viewBox="0 0 24 24" style={{display: 'block'}}>
    <path d={STAR_PATH} fill="none" stroke={color} strokeWidth={1.6} strokeLinejoin="round" />
  </svg>
);

/** One star filled to `fill` (0..1): an outlined star with a filled one clipped on top (no SVG ids needed). */
const PartialStar: React.FC<{size: number; fill: number; color: string; emptyColor: string}> = ({size, fill, color, emptyColor}) => (
  <div style={{position: 'relative', width: size, height: size, flexShrink: 0}}>
    <StarOutline size={size} color={emptyColor} />
    {fill > 0 ? (
      <div style={{position: 'absolute', left: 0, top: 0, width: size * fill, height: size, overflow: 'hidden'}}>
        <StarIcon size={size} color={color} />
      </div>
    ) : null}
  </div>
);

/**
 * Five stars for a 0-10 score: score / 2 stars, rounded to half stars, filled in `color` (default: the accent).
 * `reveal` (0..1) fills them in order.
 */
export const StarRating: React.FC<{score: number; size: number; gap?: number; reveal?: number; color?: string; emptyColor?: string}> = ({
  score,
  size,
  gap = size * 0.12,
  reveal = 1,
  color,
  emptyColor,
}) => {
  const {colors} = useTheme();
  const stars = Math.round(Math.min(10, Math.max(0, score))) / 2;
  const shown = stars * Math.min(1, Math.max(0, reveal));
  return (
    <div style={{display: 'flex', gap}}>
      {[0, 1, 2, 3, 4].map((index) => (
        <PartialStar
          key={index}
          size={size}
          color={color ?? colors.accent}
          emptyColor={emptyColor ?? colors.starEmpty}
          fill={Math.round(Math.min(1, Math.max(0, shown - index)) * 2) / 2}
        />
      ))}
    </div>
  );
};

export const CheckIcon: React.FC<IconProps> = ({size, color: given, style}) => {
  const {colors} = useTheme();
  const color = given ?? colors.onCompleted;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" style={{display: 'block', ...style}}>
      <path d="M4.5 12.5l4.8 4.8L19.5 7" fill="none" stroke={color} strokeWidth={3.2} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
};

export const CrossIcon: React.FC<IconProps> = ({size, color: given, style}) => {
  const {colors} = useTheme();
  const color = given ?? colors.text;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" style={{display: 'block', ...style}}>
      <path d="M6 6l12 12M18 6L6 18" fill="none" stroke={color} strokeWidth={3.2} strokeLinecap="round" />
    </svg>
  );
};

/**
 * A line icon: one stroked path in a 24-unit box, in `color` or, by default, the palette colour `role`. The book,
 * pages and calendar icons are drawn with it.
 */
function lineIcon(path: string, role: 'accent' | 'muted', strokeWidth = 1.8): React.FC<IconProps> {
  const Icon: React.FC<IconProps> = ({size, color, style}) => {
    const {colors} = useTheme();
    return (
      <svg width={size} height={size} viewBox="0 0 24 24" style={{display: 'block', ...style}}>
        <path
          d={path}
          fill="none"
          stroke={color ?? colors[role]}
          strokeWidth={strokeWidth}
          strokeLinejoin="round"
          strokeLinecap="round"
        />
      </svg>
    );
  };
  return Icon;
}

/** An open book. */
export const BookIcon = lineIcon(
  'M12 6.5C10.2 5 7.6 4.3 3 4.5v13.8c4.6-.2 7.2.5 9 2 1.8-1.5 4.4-2.2 9-2V4.5c-4.6-.2-7.2.5-9 2zM12 6.5v13.8',
  'accent',
  1.9,
);

/** A stack of pages, for page counts. */
export const PagesIcon = lineIcon('M7 3.5h8l4 4v13H7zM15 3.5v4h4M4.5 6.5v16H16M10 12h6M10 15.5h6', 'muted');

/** A calendar page, for dates. */
export const CalendarIcon = lineIcon('M4.5 6.5h15v13h-15zM4.5 10.5h15M8.5 4v4M15.5 4v4', 'muted');

/** A bookmark, for books in progress. */
export const BookmarkIcon: React.FC<IconProps> = ({size, color: given, style}) => {
  const {colors} = useTheme();
  const color = given ?? colors.accent;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" style={{display: 'block', ...style}}>
      <path d="M6.5 3.5h11v17l-5.5-4-5.5 4z" fill={color} strokeLinejoin="round" />
    </svg>
  );
};

/** An arrow pointing up or down, for the top- and lowest-rated cards. */
export const ArrowIcon: React.FC<IconProps & {direction: 'up' | 'down'}> = ({size, color: given, direction, style}) => {
  const {colors} = useTheme();
  const color = given ?? colors.accent;
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      style={{display: 'block', transform: direction === 'down' ? 'rotate(180deg)' : undefined, ...style}}
    >
      <path d="M12 19.5V5M5.5 11.5L12 5l6.5 6.5" fill="none" stroke={color} strokeWidth={2.6} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
};
