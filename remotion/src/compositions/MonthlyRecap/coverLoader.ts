/**
 * Cover images come from URLs we do not control (a dead host, an HTML error page, a truncated download), and a
 * broken cover must never fail or stall a render. Each URL is loaded at most once per browser tab and always
 * settles, as 'loaded' or 'failed', within COVER_TIMEOUT_MS; scenes then render the image or a placeholder.
 */

import {dominantColors} from '../../palette/coverColors';

export type CoverResult = 'loaded' | 'failed';

/** After this long without a usable image we show the placeholder. */
export const COVER_TIMEOUT_MS = 8000;

const pending = new Map<string, Promise<CoverResult>>();
const settled = new Map<string, CoverResult>();
/** Decoded images stay referenced so the browser keeps them in its memory cache for the <img> elements. */
const keepAlive = new Map<string, HTMLImageElement>();

/** The result for `url` if it is already known, so a remounted cover can render at once. */
export function settledCover(url: string): CoverResult | undefined {
  return settled.get(url);
}

async function verify(image: HTMLImageElement): Promise<CoverResult> {
  try {
    await image.decode();
    if (image.naturalWidth === 0 || image.naturalHeight === 0) {
      return 'failed';
    }
    // Chrome fires `load` (and `decode()` resolves) for a truncated JPEG and paints only its first rows.
    // createImageBitmap needs the complete image and rejects a partial one; it also works for cross-origin
    // images served without CORS headers, where reading pixels would not.
    if (typeof createImageBitmap === 'function') {
      const bitmap = await createImageBitmap(image);
      bitmap.close();
    }
    return 'loaded';
  } catch {
    return 'failed';
  }
}

/** Load, decode and check the image at `url` (any URL, data: URIs included). Never rejects. */
export function preloadCover(url: string): Promise<CoverResult> {
  const existing = pending.get(url);
  if (existing !== undefined) {
    return existing;
  }
  const promise = new Promise<CoverResult>((resolve) => {
    const image = new Image();
    let done = false;
    const finish = (result: CoverResult) => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(timer);
      image.onload = null;
      image.onerror = null;
      if (result === 'loaded') {
        keepAlive.set(url, image);
      } else {
        image.removeAttribute('src'); // abandons a request that is still hanging
      }
      settled.set(url, result);
      resolve(result);
    };
    const timer = setTimeout(() => finish('failed'), COVER_TIMEOUT_MS);
    image.onload = () => {
      verify(image).then(finish, () => finish('failed'));
    };
    image.onerror = () => finish('failed');
    image.decoding = 'async';
    try {
      image.src = url;
    } catch {
      finish('failed');
    }
  });
  pending.set(url, promise);
  return promise;
}

/** The cover box the server scales covers into before it reads their colours (tornado_render/render/covers.py). */
const COVER_BOX = {width: 540, height: 810} as const;
const palettes = new Map<string, Promise<string[] | null>>();

/**
 * The dominant colours of the cover at `url`, read in the browser the way the server reads them (for a page that
 * plays the composition without the server: the browser preview), or null when its pixels cannot be read (an image
 * from another origin served without CORS headers, a broken image). Never rejects.
 */
export function coverPaletteOf(url: string): Promise<string[] | null> {
  const existing = palettes.get(url);
  if (existing !== undefined) {
    return existing;
  }
  const promise = new Promise<string[] | null>((resolve) => {
    const image = new Image();
    const timer = setTimeout(() => resolve(null), COVER_TIMEOUT_MS);
    image.crossOrigin = 'anonymous';
    image.onerror = () => {
      clearTimeout(timer);
      resolve(null);
    };
    image.onload = () => {
      clearTimeout(timer);
      try {
        const scale = Math.min(1, COVER_BOX.width / image.naturalWidth, COVER_BOX.height / image.naturalHeight);
        const width = Math.max(1, Math.round(image.naturalWidth * scale));
        const height = Math.max(1, Math.round(image.naturalHeight * scale));
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const context = canvas.getContext('2d');
        if (context === null) {
          resolve(null);
          return;
        }
        context.drawImage(image, 0, 0, width, height);
        resolve(dominantColors(context.getImageData(0, 0, width, height).data, width, height));
      } catch {
        resolve(null); // a tainted canvas: the image came from another origin without CORS
      }
    };
    image.src = url;
  });
  palettes.set(url, promise);
  return promise;
}
