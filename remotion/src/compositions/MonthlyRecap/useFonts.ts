/**
 * Holds the frame until the faces that draw these texts have loaded. Every component that shows a reader's text
 * asks for its own text, in the style and Han convention it draws it with, so what is loaded is exactly what is
 * drawn (a Latin-only recap loads no other script), and a scene's fonts load when the scene first appears.
 */
import {useEffect, useState} from 'react';
import {continueRender, delayRender} from 'remotion';
import {type FontRequest, fontsSettled, loadFontsFor} from '../../fonts';

export function useFonts(requests: readonly FontRequest[]): void {
  const key = JSON.stringify(requests);
  // The hold starts during render, before the frame can be captured; the load runs in the effect.
  const [holds] = useState(() => new Map<string, number | null>());
  if (!holds.has(key)) {
    holds.set(key, fontsSettled(requests) ? null : delayRender(`Loading the fonts for ${key.slice(0, 100)}`));
  }
  useEffect(() => {
    const handle = holds.get(key) ?? null;
    if (handle === null) {
      return undefined;
    }
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        holds.set(key, null);
        continueRender(handle);
      }
    };
    loadFontsFor(JSON.parse(key) as FontRequest[]).then(release);
    // A component that goes away before its fonts arrive must not keep holding the render.
    return release;
  }, [holds, key]);
}
