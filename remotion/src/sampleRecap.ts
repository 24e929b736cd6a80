/** Default props for the Remotion Studio preview; renders always pass their own. */
import type {MonthlyRecapProps} from './types';

export const sampleRecap: MonthlyRecapProps = {
  meta: {month: 10, year: 2026, monthName: 'October', generatedAt: '2026-11-01T09:00:00Z'},
  books: [
    {
      id: 'bk-001',
      title: 'The Left Hand of Darkness',
      authors: ['Ursula K. Le Guin'],
      coverUrl: null,
      status: 'COMPLETED',
      finishDate: '2026-10-04',
      rating: {average: 8.86, characters: 9, atmosphere: 9, writing: 10, plot: 8, intrigue: 8, logic: 9, enjoyment: 9},
      pageCount: 304,
    },
    {
      id: 'bk-005',
      title: 'Good Omens',
      authors: ['Terry Pratchett', 'Neil Gaiman'],
      coverUrl: null,
      status: 'DNF',
      finishDate: '2026-10-30',
      rating: null,
      pageCount: null,
    },
  ],
  currentlyReading: [{id: 'bk-100', title: 'Middlemarch', authors: ['George Eliot'], coverUrl: null, progress: 42}],
  stats: {
    totalBooks: 2,
    completedCount: 1,
    dnfCount: 1,
    totalPages: 304,
    averageRating: 8.86,
    topRatedBook: {title: 'The Left Hand of Darkness', coverUrl: null, rating: 8.86},
    lowestRatedBook: null,
  },
};
