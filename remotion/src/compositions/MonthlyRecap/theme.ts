/**
 * One palette and one set of margins for every scene, so the video reads as a single design: a dark, flat
 * background (cheap to paint, high contrast on phones) and a single warm accent.
 */
import {HEIGHT, WIDTH} from './timeline';

export const COLORS = {
  background: '#0E0F13',
  surface: '#171920',
  border: '#262934',
  track: '#2A2D38',
  text: '#F4F0E8',
  muted: '#A6A6B0',
  faint: '#6E707C',
  accent: '#F5B83D',
  /** Text drawn on top of the accent colour. */
  onAccent: '#1B1407',
} as const;

/** Safe margins: phone apps overlay their UI on the top and (more) on the bottom of a vertical video. */
export const SAFE = {x: 80, top: 150, bottom: 230} as const;

export const CONTENT_WIDTH = WIDTH - 2 * SAFE.x;
export const CONTENT_HEIGHT = HEIGHT - SAFE.top - SAFE.bottom;

export const RADIUS = {card: 28, cover: 14, pill: 999} as const;
