/**
 * The video's fonts travel inside the bundle: renders have no internet, and a frame captured with a fallback font
 * would make the video look different from run to run. Importing this module registers every face with the
 * FontFace API and holds rendering (delayRender) until all of them are loaded.
 */
import {continueRender, delayRender} from 'remotion';
import frauncesItalic400 from '@fontsource/fraunces/files/fraunces-latin-400-italic.woff2';
import frauncesItalic400Ext from '@fontsource/fraunces/files/fraunces-latin-ext-400-italic.woff2';
import fraunces700 from '@fontsource/fraunces/files/fraunces-latin-700-normal.woff2';
import fraunces700Ext from '@fontsource/fraunces/files/fraunces-latin-ext-700-normal.woff2';
import inter400 from '@fontsource/inter/files/inter-latin-400-normal.woff2';
import inter400Ext from '@fontsource/inter/files/inter-latin-ext-400-normal.woff2';
import inter500 from '@fontsource/inter/files/inter-latin-500-normal.woff2';
import inter500Ext from '@fontsource/inter/files/inter-latin-ext-500-normal.woff2';
import inter700 from '@fontsource/inter/files/inter-latin-700-normal.woff2';
import inter700Ext from '@fontsource/inter/files/inter-latin-ext-700-normal.woff2';

/** Serif display face for titles and big numbers. */
export const DISPLAY_FONT = '"Fraunces", Georgia, "DejaVu Serif", serif';
/** Sans face for labels and body text. */
export const BODY_FONT = '"Inter", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif';

// The subsets' unicode ranges, as @fontsource declares them.
const LATIN =
  'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD';
const LATIN_EXT =
  'U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF';

interface FaceSpec {
  family: 'Fraunces' | 'Inter';
  weight: string;
  style: 'normal' | 'italic';
  latin: string;
  latinExt: string;
}

const FACES: FaceSpec[] = [
  {family: 'Fraunces', weight: '700', style: 'normal', latin: fraunces700, latinExt: fraunces700Ext},
  {family: 'Fraunces', weight: '400', style: 'italic', latin: frauncesItalic400, latinExt: frauncesItalic400Ext},
  {family: 'Inter', weight: '400', style: 'normal', latin: inter400, latinExt: inter400Ext},
  {family: 'Inter', weight: '500', style: 'normal', latin: inter500, latinExt: inter500Ext},
  {family: 'Inter', weight: '700', style: 'normal', latin: inter700, latinExt: inter700Ext},
];

let started = false;

/** Register and load every face once; rendering waits until all have settled. */
export function loadFonts(): void {
  if (started || typeof document === 'undefined' || typeof FontFace === 'undefined') {
    return;
  }
  started = true;
  const handle = delayRender('Loading the bundled fonts');
  const faces = FACES.flatMap((spec) =>
    [
      [spec.latin, LATIN],
      [spec.latinExt, LATIN_EXT],
    ].map(
      ([url, unicodeRange]) =>
        new FontFace(spec.family, `url(${url}) format('woff2')`, {weight: spec.weight, style: spec.style, unicodeRange}),
    ),
  );
  Promise.allSettled(
    faces.map(async (face) => {
      await face.load();
      document.fonts.add(face);
    }),
  ).then((results) => {
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      // A video with a fallback font beats no video; the log says why it looks off.
      console.error(`${failed.length} bundled font face(s) failed to load`, failed);
    }
    continueRender(handle);
  });
}

loadFonts();
