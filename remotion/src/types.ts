/**
 * The one definition of a monthly recap, as the reading tracker exports it.
 *
 * The server's marshmallow schemas (tornado_render/validation/schemas.py) mirror these types; the test suite renders
 * every fixture through both so the two cannot drift apart silently.
 */
import type {TemplateInput} from './template/template';

export type BookStatus = 'COMPLETED' | 'DNF';

/** A CAWPILE rating: an average and seven sub-scores from 1 to 10, any of which may be missing. */
export interface CawpileRating {
  average: number;
  characters: number | null;
  atmosphere: number | null;
  writing: number | null;
  plot: number | null;
  intrigue: number | null;
  logic: number | null;
  enjoyment: number | null;
}

export interface Book {
  id: string;
  title: string;
  authors: string[];
  coverUrl: string | null;
  /**
   * The cover's dominant colours (`#rrggbb`, most dominant first, at most 3), written by the server beside a usable
   * cover's data URI (tornado_render/render/cover_palette.py); absent or null when the cover is a placeholder. A
   * client cannot send it: the request's validation drops it.
   */
  coverPalette?: string[] | null;
  status: BookStatus;
  finishDate: string | null;
  rating: CawpileRating | null;
  pageCount: number | null;
}

export interface CurrentlyReadingBook {
  id: string;
  title: string;
  authors: string[];
  coverUrl: string | null;
  /** As Book's. */
  coverPalette?: string[] | null;
  /** Percent read, 0-100. */
  progress: number;
}

export interface RatedBookRef {
  title: string;
  coverUrl: string | null;
  /** As Book's. */
  coverPalette?: string[] | null;
  rating: number;
}

export interface RecapStats {
  totalBooks: number;
  completedCount: number;
  dnfCount: number;
  totalPages: number;
  averageRating: number | null;
  topRatedBook: RatedBookRef | null;
  lowestRatedBook: RatedBookRef | null;
}

export interface RecapMeta {
  /** 1-12. */
  month: number;
  year: number;
  monthName: string;
  generatedAt: string;
}

/** A type alias, not an interface: Remotion wants composition props assignable to Record<string, unknown>. */
export type MonthlyRecapExport = {
  meta: RecapMeta;
  books: Book[];
  currentlyReading: CurrentlyReadingBook[];
  stats: RecapStats;
};

export interface RenderRequest {
  userId: string;
  data: MonthlyRecapExport;
  /** A preset (GET /templates) the template starts from. */
  templateId?: string;
  /** How the video looks (template/template.ts); any part of one, laid over the preset and the defaults. */
  template?: TemplateInput;
}

/**
 * The composition renders one month; its props are the export itself, and the template it is drawn with (the
 * server always sends a complete one; without it, the defaults).
 */
export type MonthlyRecapProps = MonthlyRecapExport & {
  template?: TemplateInput;
  /** The shape of the video: the story (9:16, the default), or its square or landscape cut (frame.ts). */
  format?: 'story' | 'square' | 'landscape';
};

/** The seven CAWPILE parts in their canonical order, with the labels the video shows. */
export const CAWPILE_PARTS = [
  ['characters', 'Characters'],
  ['atmosphere', 'Atmosphere'],
  ['writing', 'Writing'],
  ['plot', 'Plot'],
  ['intrigue', 'Intrigue'],
  ['logic', 'Logic'],
  ['enjoyment', 'Enjoyment'],
] as const satisfies ReadonlyArray<readonly [keyof Omit<CawpileRating, 'average'>, string]>;
