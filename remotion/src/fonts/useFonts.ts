/**
 * Holds the frame until the faces that draw these texts have loaded. Every component that shows a reader's text
 * asks for its own text, in the style, Han convention and template families it draws it with, so what is loaded is
 * exactly what is drawn (a Latin-only recap loads no other script), and a scene's fonts load when the scene first
 * appears. `useFaces` does the same for a list of faces (a template's own families: see MonthlyRecap).
 */
import {useEffect, useState} from 'react';
import {continueRender, delayRender} from 'remotion';
import {facesFor, facesSettled, type FontRequest, loadFaces} from './registry';

export function useFonts(requests: readonly FontRequest[]): void {
  useFaces(facesFor(requests), JSON.stringify(requests));
}

/** Hold the frame until these faces (indexes into FACE_SOURCES) have settled; `label` names the hold. */
export function useFaces(indexes: readonly number[], label: string): void {
  const key = indexes.join(',');
  // The hold starts during render, before the frame can be captured; the load runs in the effect.
  const [holds] = useState(() => new Map<string, number | null>());
  if (!holds.has(key)) {
    holds.set(key, facesSettled(indexes) ? null : delayRender(`Loading the fonts for ${label.slice(0, 100)}`));
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
    loadFaces(key === '' ? [] : key.split(',').map(Number)).then(release);
    // A component that goes away before its fonts arrive must not keep holding the render.
    return release;
  }, [holds, key]);
}
