/**
 * The dominant colours of a cover from its pixels: the same rule as the server's (tornado_render/render/
 * cover_palette.py, which documents it), for a page that shows the composition without the server in between (the
 * browser preview plays a recap whose covers are plain URLs, with no `coverPalette` of the server's). The image is
 * box-averaged into the same coarse grid, so the small differences of two decoders and scalers average out, and the
 * same buckets, weights and merges pick the colours. Pure: no DOM, no React.
 */

const GRID = {width: 24, height: 36} as const;
const BUCKET_BITS = 3;
const CHROMA_WEIGHT = 2.0;
const MERGE_DISTANCE = 48.0;
const MAX_COLORS = 3;
const MIN_SHARE = 0.05;

type Cell = readonly [number, number, number, number]; // r, g, b, weight

/** The grid's cells of an RGBA image: each the mean of the pixels it covers (by area), with its weight. */
function cells(rgba: ArrayLike<number>, width: number, height: number): Cell[] {
  const found: Cell[] = [];
  for (let row = 0; row < GRID.height; row++) {
    const top = (row * height) / GRID.height;
    const bottom = ((row + 1) * height) / GRID.height;
    for (let column = 0; column < GRID.width; column++) {
      const left = (column * width) / GRID.width;
      const right = ((column + 1) * width) / GRID.width;
      let r = 0;
      let g = 0;
      let b = 0;
      let area = 0;
      for (let y = Math.floor(top); y < Math.ceil(bottom); y++) {
        const dy = Math.min(bottom, y + 1) - Math.max(top, y);
        for (let x = Math.floor(left); x < Math.ceil(right); x++) {
          const share = dy * (Math.min(right, x + 1) - Math.max(left, x));
          const index = (y * width + x) * 4;
          r += rgba[index] * share;
          g += rgba[index + 1] * share;
          b += rgba[index + 2] * share;
          area += share;
        }
      }
      // Pillow's BOX resize gives whole levels.
      const [cr, cg, cb] = [r, g, b].map((value) => Math.round(value / area));
      const chroma = (Math.max(cr, cg, cb) - Math.min(cr, cg, cb)) / 255;
      found.push([cr, cg, cb, 1 + CHROMA_WEIGHT * chroma]);
    }
  }
  return found;
}

function mean(members: readonly Cell[]): [number, number, number] {
  const total = members.reduce((sum, cell) => sum + cell[3], 0);
  const channel = (index: number) => members.reduce((sum, cell) => sum + cell[index] * cell[3], 0) / total;
  return [channel(0), channel(1), channel(2)];
}

/** The cells (indexes) of the heaviest bucket; ties go to the lowest bucket key, as on the server. */
function heaviestBucket(found: readonly Cell[]): number[] {
  const shift = 8 - BUCKET_BITS;
  const buckets = new Map<string, {key: number[]; members: number[]; weight: number}>();
  found.forEach((cell, index) => {
    const key = [cell[0] >> shift, cell[1] >> shift, cell[2] >> shift];
    const name = key.join(',');
    const bucket = buckets.get(name) ?? {key, members: [], weight: 0};
    bucket.members.push(index);
    bucket.weight += cell[3];
    buckets.set(name, bucket);
  });
  const ordered = [...buckets.values()].sort(
    (a, b) => b.weight - a.weight || a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2],
  );
  return ordered[0].members;
}

function hex(channels: readonly number[]): string {
  return `#${channels.map((value) => Math.round(value).toString(16).padStart(2, '0')).join('')}`;
}

/** Up to three dominant colours of an RGBA image (`#rrggbb`, most dominant first; never empty). */
export function dominantColors(rgba: ArrayLike<number>, width: number, height: number): string[] {
  let remaining = cells(rgba, width, height);
  const least = MIN_SHARE * remaining.length;
  const colors: string[] = [];
  while (remaining.length > 0 && colors.length < MAX_COLORS) {
    const members = heaviestBucket(remaining);
    if (colors.length > 0 && members.length < least) {
      break;
    }
    const center = mean(members.map((index) => remaining[index]));
    const taken = new Set(members);
    remaining.forEach((cell, index) => {
      if (Math.hypot(cell[0] - center[0], cell[1] - center[1], cell[2] - center[2]) <= MERGE_DISTANCE) {
        taken.add(index);
      }
    });
    colors.push(hex(mean([...taken].sort((a, b) => a - b).map((index) => remaining[index]))));
    remaining = remaining.filter((_, index) => !taken.has(index));
  }
  return colors;
}
