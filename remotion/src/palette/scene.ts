/**
 * Everything a scene draws with, on a given background: `scenePalette(background, colors)`.
 *
 * The composition calls it with the template's own background for most scenes, and with a book's tint
 * (tint.ts: `scenePalette(bookTint(seed, colors), colors)`) for each book's scene. The template's colours are used
 * as they are wherever they meet their contrast rule (rules.ts) and adjusted in lightness, hue kept, where they do
 * not (contrast.ts: ensureContrast), so a reader's template can never make text or stars unreadable:
 *
 * 1. The background. The template's own is used as it is (a reader chose it). Anything else is a tint, fitted to
 *    the template first (tint.ts: fitTint): a tint that would break contrast is adjusted before any foreground is.
 * 2. Cards, borders and tracks. The template's own on its background; on a tint, shades of the tint that stand to it
 *    as the template's stand to its background (lighter or darker, at the same contrast ratio), so a card on a
 *    tinted scene is a shade of the tint, as it is of the template's background elsewhere.
 * 3. The card gives way to the text: if no colour of the text's hue can read on both the background and the card,
 *    the card moves away from the text (it is the one whose exact colour matters least).
 * 4. The foregrounds, each against the background and the card: text at 4.5:1, graphics at 3:1 (rules.ts).
 * 5. The marks on the completed badge against its fill (4.5:1); the track against the accent bars on it (3:1): the
 *    track moves, the accent keeps its colour; empty stars (starEmpty) start from the track's colour, which is what
 *    they were drawn in before, and are made to reach 3:1 (the light preset's #ECE6DA on #FAF7F0 was 1.16:1).
 */
import {
  contrastRatio,
  ensureContrast,
  GRAPHIC_CONTRAST,
  inkOn,
  sameStep,
  TEXT_CONTRAST,
  worstContrast,
} from './contrast';
import {sameColor} from './oklch';
import {type ScenePalette} from './rules';
import {fitTint, type TemplateColors} from './tint';

/** What a scene on `background` draws with, for a template's colours (see above). */
export function scenePalette(background: string, colors: TemplateColors): ScenePalette {
  const own = sameColor(background, colors.background);
  const frame = own ? colors.background : fitTint(background, colors);
  const onFrame = (color: string) => (own ? color : sameStep(color, colors.background, frame));
  let surface = onFrame(colors.backgroundSecondary);
  const grounds = () => [frame, surface];

  const readable = ensureContrast(colors.textPrimary, grounds(), TEXT_CONTRAST);
  if (worstContrast(readable, grounds()) < TEXT_CONTRAST) {
    surface = ensureContrast(surface, ensureContrast(colors.textPrimary, frame, TEXT_CONTRAST), TEXT_CONTRAST);
  }
  const text = (color: string) => ensureContrast(color, grounds(), TEXT_CONTRAST);
  const graphic = (color: string) => ensureContrast(color, grounds(), GRAPHIC_CONTRAST);

  const accent = text(colors.accent);
  const trackAsDrawn = onFrame(colors.accentMuted);
  const track =
    contrastRatio(accent, trackAsDrawn) >= GRAPHIC_CONTRAST ? trackAsDrawn : ensureContrast(trackAsDrawn, accent, GRAPHIC_CONTRAST);
  const completed = graphic(colors.completed);
  return {
    background: frame,
    surface,
    border: onFrame(colors.backgroundTertiary),
    track,
    text: text(colors.textPrimary),
    muted: text(colors.textSecondary),
    faint: text(colors.textMuted),
    accent,
    accentSecondary: text(colors.accentSecondary),
    completed,
    onCompleted: ensureContrast(inkOn(completed), completed, TEXT_CONTRAST),
    dnf: graphic(colors.dnf),
    ratingHigh: graphic(colors.ratingHigh),
    ratingMedium: graphic(colors.ratingMedium),
    ratingLow: graphic(colors.ratingLow),
    starEmpty: graphic(trackAsDrawn),
    overlay: colors.overlay,
    grain: colors.grain,
  };
}
