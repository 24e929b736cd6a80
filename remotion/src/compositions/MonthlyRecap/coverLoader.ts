/**
 * Cover images come from URLs we do not control (a dead host, an HTML error page, a truncated download), and a
 * broken cover must never fail or stall a render. Each URL is loaded at most once per browser tab and always
 * settles, as 'loaded' or 'failed', within COVER_TIMEOUT_MS; scenes then render the image or a placeholder.
 */

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
