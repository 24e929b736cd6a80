#!/usr/bin/env node
/**
 * Writes src/fonts/faces.generated.ts: one entry per font file the video may use (family, subset, weight, style, the
 * file as a webpack asset import, its unicode-range), read from the @font-face rules the font packages ship. A
 * generated list rather than CSS imports, because the composition loads faces itself, only those the recap's text
 * needs (see registry.ts), and a CSS import would also drag in the packages' .woff fallbacks.
 *
 *   node src/fonts/generate-faces.mjs           rewrite the file
 *   node src/fonts/generate-faces.mjs --check   exit 1 when the file is not what the installed packages give
 *
 * Which package serves which family, and which of its subsets are taken, is decided here: the Noto fallbacks
 * bring their own Latin subsets, which the video never wants (Fraunces and Inter draw Latin).
 *
 * A fallback face's unicode-range is the package's range cut down to the characters the file really maps (read
 * from its cmap table). The CJK packages share one slicing across fonts, so their ranges name many characters a
 * slice has no glyph for (Ethiopic, Khmer, emoji...); a face that claims a character it cannot draw makes the
 * browser stop there, and registry.ts would load it for nothing. The design's own faces (Fraunces, Inter) keep
 * the ranges their package declares, exactly as the video has always registered them.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {brotliDecompressSync} from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const target = path.join(here, 'faces.generated.ts');

const CJK_SLICES = /^\d+$/;

/**
 * family: the name the video's font stacks use; pkg: the npm package; css: its stylesheets to read;
 * subsets: the subsets to take (a list, or a RegExp over the subset name); weight: override for the faces'
 * weight (variable files cover every weight); declaredRanges: keep the package's unicode-ranges as they are.
 * @type {Array<{family: string, pkg: string, css: string[], subsets: string[] | RegExp, weight?: string, declaredRanges?: boolean}>}
 */
const FAMILIES = [
  {
    family: 'Fraunces',
    pkg: '@fontsource/fraunces',
    css: ['700.css', '400-italic.css'],
    subsets: ['latin', 'latin-ext', 'vietnamese'],
    declaredRanges: true,
  },
  {
    family: 'Inter',
    pkg: '@fontsource/inter',
    css: ['400.css', '500.css', '700.css'],
    subsets: ['latin', 'latin-ext', 'vietnamese', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext'],
    declaredRanges: true,
  },
  {family: 'Noto Serif', pkg: '@fontsource-variable/noto-serif', css: ['wght.css'], subsets: ['cyrillic', 'cyrillic-ext', 'greek', 'greek-ext']},
  {family: 'Noto Serif Armenian', pkg: '@fontsource-variable/noto-serif-armenian', css: ['wght.css'], subsets: ['armenian']},
  {family: 'Noto Sans Armenian', pkg: '@fontsource-variable/noto-sans-armenian', css: ['wght.css'], subsets: ['armenian']},
  {family: 'Noto Serif Georgian', pkg: '@fontsource-variable/noto-serif-georgian', css: ['wght.css'], subsets: ['georgian']},
  {family: 'Noto Sans Georgian', pkg: '@fontsource-variable/noto-sans-georgian', css: ['wght.css'], subsets: ['georgian']},
  {family: 'Noto Serif Hebrew', pkg: '@fontsource-variable/noto-serif-hebrew', css: ['wght.css'], subsets: ['hebrew']},
  {family: 'Noto Sans Hebrew', pkg: '@fontsource-variable/noto-sans-hebrew', css: ['wght.css'], subsets: ['hebrew']},
  {family: 'Noto Naskh Arabic', pkg: '@fontsource-variable/noto-naskh-arabic', css: ['wght.css'], subsets: ['arabic']},
  {family: 'Noto Sans Arabic', pkg: '@fontsource-variable/noto-sans-arabic', css: ['wght.css'], subsets: ['arabic']},
  {family: 'Noto Serif Devanagari', pkg: '@fontsource-variable/noto-serif-devanagari', css: ['wght.css'], subsets: ['devanagari']},
  {family: 'Noto Sans Devanagari', pkg: '@fontsource-variable/noto-sans-devanagari', css: ['wght.css'], subsets: ['devanagari']},
  {family: 'Noto Serif Bengali', pkg: '@fontsource-variable/noto-serif-bengali', css: ['wght.css'], subsets: ['bengali']},
  {family: 'Noto Sans Bengali', pkg: '@fontsource-variable/noto-sans-bengali', css: ['wght.css'], subsets: ['bengali']},
  {family: 'Noto Serif Tamil', pkg: '@fontsource-variable/noto-serif-tamil', css: ['wght.css'], subsets: ['tamil']},
  {family: 'Noto Sans Tamil', pkg: '@fontsource-variable/noto-sans-tamil', css: ['wght.css'], subsets: ['tamil']},
  {family: 'Noto Serif Thai', pkg: '@fontsource-variable/noto-serif-thai', css: ['wght.css'], subsets: ['thai']},
  {family: 'Noto Sans Thai', pkg: '@fontsource-variable/noto-sans-thai', css: ['wght.css'], subsets: ['thai']},
  {family: 'Noto Sans JP', pkg: '@fontsource-variable/noto-sans-jp', css: ['wght.css'], subsets: CJK_SLICES},
  {family: 'Noto Sans SC', pkg: '@fontsource-variable/noto-sans-sc', css: ['wght.css'], subsets: CJK_SLICES},
  {family: 'Noto Sans TC', pkg: '@fontsource-variable/noto-sans-tc', css: ['wght.css'], subsets: CJK_SLICES},
  {family: 'Noto Sans KR', pkg: '@fontsource-variable/noto-sans-kr', css: ['wght.css'], subsets: CJK_SLICES},
  // A template's mono family (figures and percentages), Latin only: the design draws nothing else with it.
  {
    family: 'JetBrains Mono',
    pkg: '@fontsource/jetbrains-mono',
    css: ['400.css', '500.css', '700.css', '400-italic.css'],
    subsets: ['latin', 'latin-ext'],
    declaredRanges: true,
  },
  // COLRv1, which Chromium draws; @fontsource/noto-color-emoji ships OpenType-SVG, which Chromium does not. One
  // face for every weight, so bold text never gets a synthesized (smeared) bold emoji.
  {family: 'Noto Color Emoji', pkg: '@infolektuell/noto-color-emoji', css: ['index.css'], subsets: /.*/, weight: '100 900'},
];

/**
 * The @font-face rules of one stylesheet.
 * @param {string} cssPath
 */
function parseFaces(cssPath) {
  const css = readFileSync(cssPath, 'utf8');
  const faces = [];
  for (const match of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
    const body = match[1];
    const field = (/** @type {string} */ name) => body.match(new RegExp(`${name}:\\s*([^;]+);`))?.[1].trim();
    const src = field('src') ?? '';
    const url = src.match(/url\(\.\/files\/([^)]+\.woff2)\)/)?.[1];
    const unicodeRange = field('unicode-range');
    if (url === undefined || unicodeRange === undefined) {
      throw new Error(`${cssPath}: a face without a woff2 file or unicode-range`);
    }
    faces.push({
      file: url,
      weight: field('font-weight') ?? '400',
      style: field('font-style') ?? 'normal',
      unicodeRange: unicodeRange.replace(/\s+/g, '').toUpperCase(),
    });
  }
  return faces;
}

/**
 * The code points a WOFF2 file maps to a glyph, as sorted [first, last] pairs, from its cmap table (which WOFF2
 * stores untransformed, so one brotli decompression and a table walk find it).
 * @param {string} file
 * @returns {Array<[number, number]>}
 */
function mappedRanges(file) {
  const data = readFileSync(file);
  if (data.toString('latin1', 0, 4) !== 'wOF2') {
    throw new Error(`${file}: not a WOFF2 file`);
  }
  const numTables = data.readUInt16BE(12);
  const compressedLength = data.readUInt32BE(20);
  let offset = 48;
  const base128 = () => {
    let value = 0;
    for (let index = 0; index < 5; index++) {
      const byte = data[offset++];
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) {
        return value;
      }
    }
    throw new Error(`${file}: bad UIntBase128`);
  };
  let position = 0;
  let cmap = null;
  for (let index = 0; index < numTables; index++) {
    const flags = data[offset++];
    const known = flags & 0x3f;
    let tag = KNOWN_TAGS[known];
    if (known === 0x3f) {
      tag = data.toString('latin1', offset, offset + 4);
      offset += 4;
    }
    const length = base128();
    const version = flags >> 6;
    const transformed = tag === 'glyf' || tag === 'loca' ? version !== 3 : version !== 0;
    const stored = transformed ? base128() : length;
    if (tag === 'cmap') {
      cmap = {position, length: stored};
    }
    position += stored;
  }
  if (cmap === null) {
    throw new Error(`${file}: no cmap table`);
  }
  const tables = brotliDecompressSync(data.subarray(offset, offset + compressedLength));
  return parseCmap(tables.subarray(cmap.position, cmap.position + cmap.length));
}

/** The first tags of WOFF2's known-table list (the rest are never the cmap or a transformed table). */
const KNOWN_TAGS = ['cmap', 'head', 'hhea', 'hmtx', 'maxp', 'name', 'OS/2', 'post', 'cvt ', 'fpgm', 'glyf', 'loca'];

/**
 * Mapped code points of a cmap table: its Unicode subtable of format 12 (full repertoire) or else format 4 (BMP).
 * @param {Buffer} cmap
 * @returns {Array<[number, number]>}
 */
function parseCmap(cmap) {
  const records = [];
  for (let index = 0; index < cmap.readUInt16BE(2); index++) {
    const record = 4 + index * 8;
    const offset = cmap.readUInt32BE(record + 4);
    records.push({platform: cmap.readUInt16BE(record), encoding: cmap.readUInt16BE(record + 2), format: cmap.readUInt16BE(offset), offset});
  }
  const unicode = (/** @type {{platform: number, encoding: number}} */ record) => record.platform === 0 || (record.platform === 3 && (record.encoding === 1 || record.encoding === 10));
  const full = records.find((record) => unicode(record) && record.format === 12);
  const bmp = records.find((record) => unicode(record) && record.format === 4);
  /** @type {Array<[number, number]>} */
  const ranges = [];
  if (full !== undefined) {
    const groups = cmap.readUInt32BE(full.offset + 12);
    for (let index = 0; index < groups; index++) {
      const group = full.offset + 16 + index * 12;
      ranges.push([cmap.readUInt32BE(group), cmap.readUInt32BE(group + 4)]);
    }
  } else if (bmp !== undefined) {
    const segments = cmap.readUInt16BE(bmp.offset + 6) / 2;
    const ends = bmp.offset + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const rangeOffsets = deltas + segments * 2;
    for (let segment = 0; segment < segments; segment++) {
      const start = cmap.readUInt16BE(starts + segment * 2);
      const end = cmap.readUInt16BE(ends + segment * 2);
      const delta = cmap.readInt16BE(deltas + segment * 2);
      const rangeOffset = cmap.readUInt16BE(rangeOffsets + segment * 2);
      for (let code = start; code <= end && code !== 0xffff; code++) {
        let glyph;
        if (rangeOffset === 0) {
          glyph = (code + delta) & 0xffff;
        } else {
          const glyphIndex = cmap.readUInt16BE(rangeOffsets + segment * 2 + rangeOffset + (code - start) * 2);
          glyph = glyphIndex === 0 ? 0 : (glyphIndex + delta) & 0xffff;
        }
        if (glyph !== 0) {
          ranges.push([code, code]);
        }
      }
    }
  } else {
    throw new Error('no Unicode cmap subtable');
  }
  return mergeRanges(ranges);
}

/**
 * @param {Array<[number, number]>} ranges
 * @returns {Array<[number, number]>}
 */
function mergeRanges(ranges) {
  /** @type {Array<[number, number]>} */
  const merged = [];
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1] + 1) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

/**
 * "U+0041-005A,U+00C0" -> [[0x41, 0x5a], [0xc0, 0xc0]]
 * @param {string} unicodeRange
 * @returns {Array<[number, number]>}
 */
function parseUnicodeRange(unicodeRange) {
  return mergeRanges(
    unicodeRange.split(',').map((part) => {
      const [start, end = start] = part.replace(/^U\+/i, '').split('-');
      return [parseInt(start, 16), parseInt(end, 16)];
    }),
  );
}

/**
 * @param {Array<[number, number]>} a
 * @param {Array<[number, number]>} b
 * @returns {Array<[number, number]>}
 */
function intersect(a, b) {
  /** @type {Array<[number, number]>} */
  const result = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i][0], b[j][0]);
    const end = Math.min(a[i][1], b[j][1]);
    if (start <= end) {
      result.push([start, end]);
    }
    if (a[i][1] < b[j][1]) {
      i++;
    } else {
      j++;
    }
  }
  return result;
}

/**
 * @param {Array<[number, number]>} ranges
 */
function formatUnicodeRange(ranges) {
  const hex = (/** @type {number} */ code) => code.toString(16).toUpperCase().padStart(4, '0');
  return ranges.map(([start, end]) => (start === end ? `U+${hex(start)}` : `U+${hex(start)}-${hex(end)}`)).join(',');
}

/**
 * The subset a fontsource file belongs to: "inter-latin-ext-500-normal.woff2" -> "latin-ext",
 * "noto-sans-jp-12-wght-normal.woff2" -> "12"; the emoji package names its files by slice number.
 * @param {string} file
 * @param {string} pkg
 */
function subsetOf(file, pkg) {
  const stem = file.replace(/\.woff2$/, '');
  const prefix = `${pkg.split('/')[1]}-`;
  if (!stem.startsWith(prefix)) {
    return stem;
  }
  return stem.slice(prefix.length).replace(/-(\d{3}|wght)-(normal|italic)$/, '');
}

function generate() {
  /** @type {string[]} */
  const imports = [];
  /** @type {string[]} */
  const rows = [];
  for (const spec of FAMILIES) {
    const version = JSON.parse(readFileSync(path.join(root, 'node_modules', spec.pkg, 'package.json'), 'utf8')).version;
    /** @type {string[]} */
    const familyRows = [];
    for (const css of spec.css) {
      for (const face of parseFaces(path.join(root, 'node_modules', spec.pkg, css))) {
        const subset = subsetOf(face.file, spec.pkg);
        const wanted = Array.isArray(spec.subsets) ? spec.subsets.includes(subset) : spec.subsets.test(subset);
        if (!wanted) {
          continue;
        }
        const name = `f${imports.length}`;
        imports.push(`import ${name} from '${spec.pkg}/files/${face.file}';`);
        const weight = spec.weight ?? face.weight;
        if (!spec.declaredRanges) {
          const mapped = mappedRanges(path.join(root, 'node_modules', spec.pkg, 'files', face.file));
          const ranges = intersect(parseUnicodeRange(face.unicodeRange), mapped);
          if (ranges.length === 0) {
            continue; // a slice that draws nothing the package's range names
          }
          face.unicodeRange = formatUnicodeRange(ranges);
        }
        familyRows.push(`  ['${spec.family}', '${subset}', '${weight}', '${face.style}', ${name}, '${face.unicodeRange}'],`);
      }
    }
    if (familyRows.length === 0) {
      throw new Error(`${spec.pkg}: no face matched`);
    }
    rows.push(`  // ${spec.family}: ${familyRows.length} file(s) from ${spec.pkg}@${version}`, ...familyRows);
  }
  return [
    '/* Generated by src/fonts/generate-faces.mjs from the installed font packages; do not edit by hand. */',
    "import type {FaceSource} from './types';",
    ...imports,
    '',
    '/** [family, subset, weight, style, url, unicode-range], in the order the packages list them. */',
    'export const FACE_SOURCES: readonly FaceSource[] = [',
    ...rows,
    '];',
    '',
  ].join('\n');
}

const text = generate();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: reported below
  }
  if (current !== text) {
    process.stderr.write(`${path.relative(root, target)} is out of date: run node src/fonts/generate-faces.mjs\n`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  process.stderr.write(`wrote ${path.relative(root, target)}\n`);
}
