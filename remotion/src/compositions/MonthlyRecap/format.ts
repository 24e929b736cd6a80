/** Wording rules shared by the scenes, kept out of the JSX so they stay consistent (and easy to test by eye). */
import {DICTIONARY_BROKEN, graphemes, WIDE} from '../../fonts/writingSystems';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "No books this month" / "1 book" / "5 books". */
export function bookCountLabel(count: number): string {
  if (count <= 0) {
    return 'No books this month';
  }
  return count === 1 ? '1 book' : `${count} books`;
}

/** "1 page" / "1,256 pages". */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`;
}

export function formatNumber(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A CAWPILE score with one decimal: 8.86 -> "8.9", 9 -> "9.0". */
export function formatRating(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

/** A sub-score: whole numbers as such, anything else with one decimal. */
export function formatScore(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * Authors joined the way people write them, never longer than `max` names:
 * "A", "A and B", "A, B and C", "A, B, C and 9 more".
 */
export function formatAuthors(authors: readonly string[], max = 3): string {
  const names = authors.map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) {
    return 'Unknown author';
  }
  if (names.length <= max) {
    return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  }
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The month after `month` (1-12), or null when `month` is out of range. */
export function nextMonthName(month: number): string | null {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    return null;
  }
  return MONTHS[month % 12];
}

/** Articles and conjunctions that make poor initials ("War and Peace" -> "WP", "Война и мир" -> "ВМ"). */
const SMALL_WORDS = /^(the|a|an|of|and|or|le|la|les|el|der|die|das|и|і|та|в|ο|η|το|οι|τα|και|του|της)$/iu;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]/u;
/** Thai and Lao vowels written before their consonant: the consonant after them is the initial. */
const LEADING_VOWEL = /^[\u0E40-\u0E44\u0EC0-\u0EC4]$/u;
/** Letters that join their neighbours (Arabic script: Arabic, Persian, Urdu): one of them alone is drawn isolated. */
const JOINING = /\p{Script=Arabic}/u;
/** Georgian has capitals (Mtavruli) only for all-caps headings: its initials stay as written. */
const CASELESS = /\p{Script=Georgian}/u;
const WIDE_LETTER = /^[\p{L}\p{N}]/u;

/** The first grapheme of `word` that starts with a letter or digit: a base with its marks, never a lone mark. */
function initialOf(word: string): string | null {
  const parts = graphemes(word);
  const index = parts.findIndex((part) => LETTER_OR_DIGIT.test(part) && !LEADING_VOWEL.test(part));
  return index === -1 ? null : parts[index];
}

/**
 * The first one or two CJK letters of a title that starts with one ("ノルウェイの森" -> "ノル", "三体" -> "三体"), or ""
 * when its first letter is not CJK.
 */
function wideInitials(title: string): string {
  const parts = graphemes(title);
  const run: string[] = [];
  for (const part of parts.slice(Math.max(0, parts.findIndex((candidate) => WIDE_LETTER.test(candidate))))) {
    if (run.length === 2 || !(WIDE.test(part) && WIDE_LETTER.test(part))) {
      break;
    }
    run.push(part);
  }
  return run.join('');
}

/**
 * Initials of the title's significant words, for cover placeholders, that never join into a word or read as a
 * stroke: two initials (the first user-perceived character of the first two words) in cased and other spaced
 * scripts; one letter alone, so in its isolated form, in scripts whose letters join (Arabic, Persian, Urdu); the
 * first one or two characters of a title that starts in Chinese, Japanese or Korean (one kana alone can read as a
 * stroke: ノ as a slash); one initial in scripts written without spaces (Thai, Lao, Khmer, Myanmar).
 */
export function titleInitials(title: string): string {
  const words = title.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
  const significant = words.filter((word) => !SMALL_WORDS.test(word.replace(/[^\p{L}\p{N}]/gu, '')));
  const picked = (significant.length > 0 ? significant : words).slice(0, 2);
  const wide = wideInitials(title);
  if (wide !== '') {
    return wide;
  }
  const initials: string[] = [];
  for (const word of picked) {
    const initial = initialOf(word);
    if (initial === null) {
      continue;
    }
    if (WIDE.test(initial) || DICTIONARY_BROKEN.test(initial) || JOINING.test(initial)) {
      if (initials.length === 0) {
        initials.push(initial);
      }
      break;
    }
    initials.push(CASELESS.test(initial) ? initial : initial.toLocaleUpperCase('en-US'));
  }
  return initials.join('');
}

const MONTH_ABBREVIATIONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-10-04" (or a timestamp starting so) -> "Oct 4"; null for anything else. */
export function formatFinishDate(date: string | null | undefined): string | null {
  const match = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(date) : null;
  if (match === null) {
    return null;
  }
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? `${MONTH_ABBREVIATIONS[month - 1]} ${day}` : null;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
