/** Wording rules shared by the scenes, kept out of the JSX so they stay consistent (and easy to test by eye). */

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

/** Up to two initials from the title's significant words, for cover placeholders. */
export function titleInitials(title: string): string {
  const words = title.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
  const significant = words.filter(
    (word) => !/^(the|a|an|of|and|or|le|la|les|el|der|die|das)$/i.test(word.replace(/[^\p{L}\p{N}]/gu, '')),
  );
  const picked = (significant.length > 0 ? significant : words).slice(0, 2);
  return picked
    .map((word) => Array.from(word).find((char) => /[\p{L}\p{N}]/u.test(char)) ?? '')
    .join('')
    .toLocaleUpperCase('en-US');
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
