/** The CAWPILE sub-scores a rating shows. Kept free of React: the timeline counts them to know when a book's bars stop growing. */
import {CAWPILE_PARTS, type CawpileRating} from './types';

export interface SubScore {
  label: string;
  value: number;
}

/** The sub-scores that are present, in CAWPILE order. Missing ones are left out rather than drawn as zero. */
export function subScores(rating: CawpileRating): SubScore[] {
  return CAWPILE_PARTS.flatMap(([key, label]) => {
    const value = rating[key];
    return typeof value === 'number' && Number.isFinite(value) ? [{label, value}] : [];
  });
}
