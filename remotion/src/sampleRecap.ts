/**
 * Default props for the Remotion Studio preview, and the recap of the template thumbnails (the server renders
 * sampleRecap.json with each preset: GET /templates); renders always pass their own.
 */
import data from './sampleRecap.json';
import type {MonthlyRecapProps} from './types';

export const sampleRecap: MonthlyRecapProps = data as MonthlyRecapProps;
