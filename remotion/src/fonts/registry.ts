/**
 * The video's fonts, and which of them a piece of text needs.
 *
 * This folder holds everything about fonts: this registry (the stacks, which face a text needs, loading), the face
 * list it reads (faces.generated.ts, written by generate-faces.mjs from the installed font packages), the shapes
 * they share with the text fitting (types.ts), what a text's characters say about it (writingSystems.ts), the hook
 * components ask for their text's faces with (useFonts.ts), and the script that measures the per-script widths the
 * text fitting assumes (measure_script_widths.py). Chromium's own fonts are the driver's affair
 * (driver/fontconfig/fonts.conf: none but one last resort).
 *
 * Every face travels inside the bundle (webpack asset imports listed in faces.generated.ts): renders have no
 * internet, and the render driver hides the machine's own fonts from Chromium, so a glyph the bundle lacks is
 * missing on every machine alike instead of depending on what happens to be installed.
 *
 * Stacks. The design's faces come first for the scripts they cover (a template names them: its heading, body and
 * mono families, among TEMPLATE_FONT_FAMILIES in template/template.ts; below, the default design's): Fraunces (display: titles, big numbers) for
 * Latin and Vietnamese; Inter (body) for Latin, Vietnamese, Greek and Cyrillic. Then one Noto family per script,
 * a serif in the display stack (Noto Serif for Greek and Cyrillic, Naskh for Arabic, as books print them) and a
 * sans in the body stack; then colour emoji; then CJK. Emoji come after the text faces because the emoji font also
 * maps digits, # and a few symbols that the text faces should draw, and before CJK because the CJK fonts have
 * black-and-white versions of symbols (☀, ☎, ♥) that readers typed as emoji. CJK is Noto Sans for both stacks: a
 * second, serif set of CJK fonts would double the largest part of the bundle for a difference few viewers notice
 * in bold titles. Han characters exist in all four CJK fonts with regional shapes, so their order follows the
 * text's convention (writingSystems.hanLang): Japanese text gets the JP font first, and so on.
 *
 * Loading. Faces are registered and loaded only when the recap's text needs them (`loadFontsFor`; in the video,
 * each component that draws a reader's text asks for it through useFonts), so a Latin-only recap never fetches a
 * CJK slice. A browser preview or another page can use the same registry: `fontFamily` for the stacks and
 * `loadFontsFor` with the texts it shows. Which face a character needs is computed here, the way Chromium
 * picks one: by grapheme cluster, the first family in the stack whose matching faces' unicode-ranges cover the
 * whole cluster (ignoring default-ignorable characters), and within a family the face declared last. Faces that
 * are not needed are not even registered, so the browser can never start a late download mid-render.
 * The Latin faces of Fraunces and Inter are always loaded when this module is imported, as before: every scene
 * has fixed English text.
 */
import {continueRender, delayRender} from 'remotion';
import {FACE_SOURCES} from './faces.generated';
import {DEFAULT_FAMILIES, type DesignFamilies, type FaceSource, type FontKey} from './types';
import {graphemes, type HanLang} from './writingSystems';

export {DEFAULT_FAMILIES, type DesignFamilies, type FontKey} from './types';

/** Titles and big numbers (the template's heading family), labels and names (body), tabular figures (mono). */
export type Stack = 'display' | 'body' | 'mono';

/** The weight and style each text style asks for, and the stack it draws from. */
export const FONT_KEY_STYLE: Record<FontKey, {stack: Stack; weight: number; style: 'normal' | 'italic'}> = {
  display: {stack: 'display', weight: 700, style: 'normal'},
  displayItalic: {stack: 'display', weight: 400, style: 'italic'},
  body: {stack: 'body', weight: 500, style: 'normal'},
  bodyBold: {stack: 'body', weight: 700, style: 'normal'},
  mono: {stack: 'mono', weight: 700, style: 'normal'},
};

const EMOJI = 'Noto Color Emoji';

/** After the design's family: one family per script, serif for the display stack and sans for the others. */
const SCRIPT_FAMILIES: Record<'serif' | 'sans', readonly string[]> = {
  serif: [
    'Noto Serif',
    'Noto Serif Armenian',
    'Noto Serif Georgian',
    'Noto Serif Hebrew',
    'Noto Naskh Arabic',
    'Noto Serif Devanagari',
    'Noto Serif Bengali',
    'Noto Serif Tamil',
    'Noto Serif Thai',
  ],
  sans: [
    'Noto Sans Armenian',
    'Noto Sans Georgian',
    'Noto Sans Hebrew',
    'Noto Sans Arabic',
    'Noto Sans Devanagari',
    'Noto Sans Bengali',
    'Noto Sans Tamil',
    'Noto Sans Thai',
  ],
};

const SCRIPTS_OF: Record<Stack, 'serif' | 'sans'> = {display: 'serif', body: 'sans', mono: 'sans'};

const HAN_FAMILIES: Record<HanLang, readonly string[]> = {
  ja: ['Noto Sans JP', 'Noto Sans TC', 'Noto Sans SC', 'Noto Sans KR'],
  ko: ['Noto Sans KR', 'Noto Sans TC', 'Noto Sans JP', 'Noto Sans SC'],
  'zh-Hans': ['Noto Sans SC', 'Noto Sans TC', 'Noto Sans JP', 'Noto Sans KR'],
  'zh-Hant': ['Noto Sans TC', 'Noto Sans SC', 'Noto Sans JP', 'Noto Sans KR'],
};

const GENERIC: Record<Stack, string> = {display: 'serif', body: 'sans-serif', mono: 'monospace'};

/** The families of a stack, in fallback order, for text whose Han characters follow `lang`. */
export function familyList(stack: Stack, lang: HanLang | null = null, families: DesignFamilies = DEFAULT_FAMILIES): readonly string[] {
  return [families[stack], ...SCRIPT_FAMILIES[SCRIPTS_OF[stack]], EMOJI, ...HAN_FAMILIES[lang ?? 'zh-Hans']];
}

/** A CSS font-family value for the stack. */
export function fontFamily(stack: Stack, lang: HanLang | null = null, families: DesignFamilies = DEFAULT_FAMILIES): string {
  return [...familyList(stack, lang, families).map((family) => `"${family}"`), GENERIC[stack]].join(', ');
}

/** Serif display stack for titles and big numbers (default design). */
export const DISPLAY_FONT = fontFamily('display');
/** Sans stack for labels and body text (default design). */
export const BODY_FONT = fontFamily('body');

// ---------------------------------------------------------------------------------------------------------------
// Which faces a text needs

interface Face {
  index: number;
  family: string;
  weightMin: number;
  weightMax: number;
  style: string;
  /** Sorted, merged [start, end] pairs. */
  ranges: Int32Array;
}

function parseRanges(unicodeRange: string): Int32Array {
  const pairs = unicodeRange
    .split(',')
    .map((part) => part.trim().replace(/^U\+/i, ''))
    .filter((part) => part !== '')
    .map((part) => {
      const [start, end = start] = part.split('-');
      return [parseInt(start, 16), parseInt(end, 16)] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [start, end] of pairs) {
    const last = merged.length - 1;
    if (merged.length > 0 && start <= merged[last] + 1) {
      merged[last] = Math.max(merged[last], end);
    } else {
      merged.push(start, end);
    }
  }
  return Int32Array.from(merged);
}

function covers(face: Face, code: number): boolean {
  let low = 0;
  let high = face.ranges.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (code < face.ranges[middle * 2]) {
      high = middle - 1;
    } else if (code > face.ranges[middle * 2 + 1]) {
      low = middle + 1;
    } else {
      return true;
    }
  }
  return false;
}

let facesByFamily: Map<string, Face[]> | null = null;

function families(): Map<string, Face[]> {
  if (facesByFamily === null) {
    facesByFamily = new Map();
    FACE_SOURCES.forEach(([family, , weight, style, , unicodeRange]: FaceSource, index) => {
      const [weightMin, weightMax = weightMin] = weight.split(' ').map(Number);
      const list = facesByFamily?.get(family) ?? [];
      list.push({index, family, weightMin, weightMax, style, ranges: parseRanges(unicodeRange)});
      facesByFamily?.set(family, list);
    });
  }
  return facesByFamily;
}

/**
 * The faces of `family` that CSS font matching would use for this weight and style (a segmented face: all
 * files with the same descriptors), last declared first, as the browser searches them.
 */
function matchingFaces(family: string, weight: number, style: string): Face[] {
  const key = `${family}\u0000${weight}\u0000${style}`;
  let matched = matching.get(key);
  if (matched === undefined) {
    matched = computeMatchingFaces(family, weight, style);
    matching.set(key, matched);
  }
  return matched;
}

const matching = new Map<string, Face[]>();

function computeMatchingFaces(family: string, weight: number, style: string): Face[] {
  const faces = families().get(family) ?? [];
  const styled = faces.filter((face) => face.style === style);
  const pool = styled.length > 0 ? styled : faces;
  const distance = (face: Face) =>
    weight < face.weightMin ? face.weightMin - weight : weight > face.weightMax ? weight - face.weightMax : 0;
  const best = Math.min(...pool.map(distance));
  return pool.filter((face) => distance(face) === best).reverse();
}

const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}]/u;

const clusterCache = new Map<string, number[]>();

/** Indexes (into FACE_SOURCES) of the faces that draw `cluster` in this style. */
function facesForCluster(cluster: string, key: FontKey, lang: HanLang | null, families: DesignFamilies): number[] {
  const {stack, weight, style} = FONT_KEY_STYLE[key];
  const cacheKey = `${key}\u0000${families[stack]}\u0000${lang ?? ''}\u0000${cluster}`;
  const cached = clusterCache.get(cacheKey);
  if (cached !== undefined) {
    return cached;
  }
  const codes = Array.from(cluster, (char) => char.codePointAt(0) ?? 0);
  const significant = Array.from(cluster).filter((char) => !IGNORABLE.test(char)).map((char) => char.codePointAt(0) ?? 0);
  const stackFaces = familyList(stack, lang, families).map((family) => matchingFaces(family, weight, style));
  const firstCovering = (code: number, faces: Face[]) => faces.find((face) => covers(face, code));
  const result = new Set<number>();
  if (significant.length > 0) {
    const whole = stackFaces.find((faces) => significant.every((code) => firstCovering(code, faces) !== undefined));
    if (whole !== undefined) {
      for (const code of codes) {
        const face = firstCovering(code, whole);
        if (face !== undefined) {
          result.add(face.index);
        }
      }
    } else {
      // No family draws the whole cluster: each character falls back on its own.
      for (const code of significant) {
        for (const faces of stackFaces) {
          const face = firstCovering(code, faces);
          if (face !== undefined) {
            result.add(face.index);
            break;
          }
        }
      }
    }
  }
  const indexes = [...result];
  clusterCache.set(cacheKey, indexes);
  return indexes;
}

/** A piece of text the video shows, in one text style; `lang` is the Han convention it is drawn with. */
export interface FontRequest {
  text: string;
  key: FontKey;
  lang?: HanLang | null;
  /** The template's families (default: today's design). */
  families?: DesignFamilies;
}

/** Indexes (into FACE_SOURCES) of every face needed to draw these texts, in FACE_SOURCES order. */
export function facesFor(requests: readonly FontRequest[]): number[] {
  const needed = new Set<number>();
  for (const {text, key, lang = null, families = DEFAULT_FAMILIES} of requests) {
    for (const cluster of new Set(graphemes(text))) {
      for (const index of facesForCluster(cluster, key, lang, families)) {
        needed.add(index);
      }
    }
  }
  return [...needed].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

const loading = new Map<number, Promise<void>>();
const settled = new Set<number>();

/**
 * Register and load these faces (each once per page). Faces are added to the document in FACE_SOURCES order
 * before any has loaded, so which of two overlapping faces wins never depends on which download finished first.
 * A face that fails is logged, not thrown: a video with one fallback glyph beats no video, and the log says why
 * it looks off.
 */
export async function loadFaces(indexes: readonly number[]): Promise<void> {
  if (typeof document === 'undefined' || typeof FontFace === 'undefined') {
    return;
  }
  for (const index of indexes) {
    if (!loading.has(index)) {
      const [family, , weight, style, url, unicodeRange] = FACE_SOURCES[index];
      const face = new FontFace(family, `url(${url}) format('woff2')`, {weight, style, unicodeRange});
      document.fonts.add(face);
      const done = () => {
        settled.add(index);
      };
      loading.set(
        index,
        face.load().then(done, (error: unknown) => {
          done();
          throw error;
        }),
      );
    }
  }
  const results = await Promise.allSettled(indexes.map((index) => loading.get(index)));
  results.forEach((result, position) => {
    if (result.status === 'rejected') {
      const [family, subset, , , url] = FACE_SOURCES[indexes[position]];
      console.error(`The bundled font ${family} (${subset}, ${url}) failed to load: ${String(result.reason)}`);
    }
  });
}

/** Load (once per page) every face the texts need; resolves when all have settled. */
export function loadFontsFor(requests: readonly FontRequest[]): Promise<void> {
  return loadFaces(facesFor(requests));
}

/** Whether every face the texts need has already settled (then nothing has to wait for them). */
export function fontsSettled(requests: readonly FontRequest[]): boolean {
  return facesSettled(facesFor(requests));
}

/** Whether these faces (indexes into FACE_SOURCES) have all settled. */
export function facesSettled(indexes: readonly number[]): boolean {
  return indexes.every((index) => settled.has(index));
}

/**
 * The Latin faces of a template's families: every scene has fixed English text in them (a template's mono family
 * draws figures and percentages), so they are loaded before its first frame, as the default design's are.
 */
export function designFaces(families: DesignFamilies): number[] {
  const wanted = new Set([families.display, families.body, families.mono]);
  return FACE_SOURCES.flatMap(([family, subset], index) =>
    wanted.has(family) && (subset === 'latin' || subset === 'latin-ext') ? [index] : [],
  );
}

/** The design's own Latin faces: every scene has fixed English text in them. */
export function baseFaces(): number[] {
  return designFaces(DEFAULT_FAMILIES);
}

let started = false;

/** Load the Latin faces once; rendering waits until they have settled. */
export function loadFonts(): void {
  if (started || typeof document === 'undefined' || typeof FontFace === 'undefined') {
    return;
  }
  started = true;
  const handle = delayRender('Loading the bundled fonts');
  loadFaces(baseFaces()).then(() => continueRender(handle));
}

loadFonts();
